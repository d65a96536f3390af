using Checkout.Data.Realtime;
using Microsoft.AspNetCore.Components;

namespace Checkout.Web.Admin;

/// <summary>
/// An admin page that follows the shop live. Once it has rendered it listens to <see cref="CheckoutEvents"/>; each event
/// the page <see cref="Follows"/> asks for a reload through a <see cref="RefreshThrottle"/>, so a busy shop costs at most
/// one reload per <see cref="RefreshInterval"/>. A reload runs on the page's renderer, is dropped once the page is
/// closed, and an error in it goes to the page's error boundary. Closing the page ends the subscription, the throttle and
/// <see cref="Lifetime"/>, which the page's own loads take as their cancellation token.
/// </summary>
/// <remarks>A page overriding <see cref="OnAfterRender"/> calls the base.</remarks>
public abstract class LiveAdminPage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _lifetime = new();
    private RefreshThrottle? _throttle;
    private IDisposable? _subscription;

    [Inject]
    protected CheckoutEvents Events { get; set; } = null!;

    /// <summary>The clock of the throttle; tests move it by hand.</summary>
    [Inject]
    protected TimeProvider Clock { get; set; } = null!;

    /// <summary>Cancelled when the page is closed.</summary>
    protected CancellationToken Lifetime => _lifetime.Token;

    /// <summary>At most one reload per interval (a second by default); zero reloads on every event at once.</summary>
    protected virtual TimeSpan RefreshInterval => TimeSpan.FromSeconds(1);

    /// <summary>Whether one reload follows the subscription, for what changed between the first load and it.</summary>
    protected virtual bool CatchUpOnSubscribe => false;

    /// <summary>
    /// Whether <paramref name="event"/> may change what the page shows (every event by default). Runs on the publisher's
    /// thread: it only filters, and must not block.
    /// </summary>
    protected virtual bool Follows(CheckoutEvent @event) => true;

    /// <summary>Reads again what the page shows; the page re-renders afterwards.</summary>
    protected abstract Task ReloadAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }
        var throttle = _throttle = new RefreshThrottle(Clock, RefreshInterval, RefreshAsync);
        _subscription = Events.Subscribe(e =>
        {
            if (Follows(e))
            {
                throttle.Signal();
            }
            return Task.CompletedTask;
        });
        if (CatchUpOnSubscribe)
        {
            throttle.Signal();
        }
    }

    private Task RefreshAsync() => InvokeAsync(async () =>
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }
        try
        {
            await ReloadAsync();
            StateHasChanged();
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // The page was closed while it loaded.
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    });

    public void Dispose()
    {
        _subscription?.Dispose();
        _throttle?.Dispose();
        // Not disposed: a refresh already queued on the renderer still reads its token.
        _lifetime.Cancel();
        GC.SuppressFinalize(this);
    }
}
