using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Checkout.Data.Common;

/// <summary>
/// Runs one pass at start and then every <paramref name="interval"/>; a failed pass is logged and retried at the next tick.
/// A pass never runs on the thread that fired the tick: a clock moved on by hours at once (a test's fake clock) fires
/// every tick in between on its own thread, and ticks missed while a pass runs fold into one.
/// </summary>
public abstract partial class PeriodicService(TimeProvider clock, TimeSpan interval, ILogger logger) : BackgroundService
{
    protected abstract Task RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            await Task.Yield();
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e, GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Error, "{Service} failed; retrying at the next interval")]
    private partial void LogFailed(Exception exception, string service);
}
