// A countdown that ticks in the browser, so an open checkout costs the server nothing between its milestones. The
// server sends the time left, never a moment: counted from performance.now(), a wrong clock on the shopper's machine
// cannot move it. The server re-renders only when something changes (a warning, an extension, the end, a release) and
// starts the count again when the time left changes.

const running = new WeakMap();

function write(element, text) {
    // The text node the server rendered is kept, so the server's own later renders still find it.
    if (element.firstChild?.nodeType === Node.TEXT_NODE) {
        element.firstChild.nodeValue = text;
    } else {
        element.textContent = text;
    }
}

function format(template, seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return template.replace("{mm}", String(minutes).padStart(2, "0")).replace("{m}", String(minutes)).replace("{ss}", rest);
}

/**
 * Shows the time left in `element` as `template` ("{mm}:{ss}", "{m}:{ss} left to claim"), whole seconds rounded up,
 * from `remainingMs` now until zero. At zero it writes `endedText` (when given) and disables the buttons that
 * `disableAtZero` selects: nothing that needs the time may be pressed once it is gone, even before the server says so.
 */
export function start(element, remainingMs, template, endedText, disableAtZero) {
    clearTimeout(running.get(element));
    const endsAt = performance.now() + remainingMs;
    const tick = () => {
        if (!element.isConnected) {
            running.delete(element);
            return;
        }
        const left = endsAt - performance.now();
        if (left <= 0) {
            write(element, endedText ?? format(template, 0));
            if (disableAtZero) {
                document.querySelectorAll(disableAtZero).forEach(button => button.disabled = true);
            }
            running.delete(element);
            return;
        }
        const seconds = Math.ceil(left / 1000);
        write(element, format(template, seconds));
        // Wake when the shown second changes, not on a fixed beat that drifts.
        running.set(element, setTimeout(tick, left - (seconds - 1) * 1000));
    };
    tick();
}
