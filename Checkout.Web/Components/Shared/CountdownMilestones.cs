using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Checkout.Web.Components.Shared;

/// <summary>
/// What the hold and claim countdowns share. The browser ticks the seconds (wwwroot/countdown.js, from the time left,
/// counted with <c>performance.now()</c>); the server wakes only at the countdown's milestones (a warning, the end),
/// through one timer on the injected clock, so an open countdown costs the server nothing in between.
/// </summary>
public sealed class CountdownMilestones(TimeProvider clock, Func<Task> onMilestone) : IDisposable
{
    private ITimer? _timer;

    /// <summary>The time left until <paramref name="expiresAt"/> in whole seconds, rounded up: zero only once it has really passed.</summary>
    public TimeSpan Left(DateTimeOffset expiresAt)
    {
        var left = expiresAt - clock.GetUtcNow();
        return left <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Ceiling(left.TotalSeconds));
    }

    /// <summary>
    /// Calls back once, at the earliest of <paramref name="milestones"/> still ahead (none ahead: no call). Each call
    /// replaces the last, so the caller re-arms it after every render; a timer that wakes early is re-armed for the
    /// same milestone.
    /// </summary>
    public void WakeAtNext(params ReadOnlySpan<DateTimeOffset> milestones)
    {
        var now = clock.GetUtcNow();
        DateTimeOffset? next = null;
        foreach (var milestone in milestones)
        {
            if (milestone > now && (next is null || milestone < next))
            {
                next = milestone;
            }
        }
        var due = next is { } at ? at - now : Timeout.InfiniteTimeSpan;
        if (_timer is null)
        {
            if (next is not null)
            {
                _timer = clock.CreateTimer(_ => _ = onMilestone(), null, due, Timeout.InfiniteTimeSpan);
            }
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Has the browser count <paramref name="left"/> down in <paramref name="element"/>'s text with
    /// <paramref name="template"/> ("{mm}:{ss}", "{m}:{ss} left to claim"); at zero it writes
    /// <paramref name="endedText"/> (when given) and disables the buttons <paramref name="disableAtZero"/> selects.
    /// A circuit that lost its browser meanwhile has nothing to count on.
    /// </summary>
    public static async Task StartInBrowserAsync(
        IJSRuntime js, ElementReference element, TimeSpan left, string template, string? endedText = null, string? disableAtZero = null)
    {
        try
        {
            await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./countdown.js");
            await module.InvokeVoidAsync("start", element, left.TotalMilliseconds, template, endedText, disableAtZero);
        }
        catch (JSDisconnectedException)
        {
            // The page is gone; a reload renders the countdown again from the stored expiry.
        }
    }

    public void Dispose() => _timer?.Dispose();
}
