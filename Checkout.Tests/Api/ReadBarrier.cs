using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Tests.Api;

/// <summary>
/// Installed in the app's own DbContext options and idle until <see cref="Arm"/>: then it holds the next
/// <c>participants</c> SELECTs that read <c>table</c> until all of them have read, so that concurrent requests
/// act on the same stale read every run and only the product's real guard can pick the winner. (The app is
/// already running when a test arms it, so start-up reads never count.)
/// </summary>
public sealed class ReadBarrier : DbCommandInterceptor
{
    private Round? _round;

    public void Arm(string table, int participants) => _round = new Round($"FROM \"{table}\"", participants);

    /// <summary>True once every participant of the armed round has read; false means the race was not lined up.</summary>
    public bool AllArrived => Volatile.Read(ref _round)?.AllArrived ?? false;

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _round) is { } round
            && command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
            && command.CommandText.Contains(round.Fragment, StringComparison.Ordinal))
        {
            await round.ArriveAsync(cancellationToken);
        }
        return result;
    }

    private sealed class Round(string fragment, int participants)
    {
        private readonly TaskCompletionSource _allRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public string Fragment => fragment;

        public bool AllArrived => _allRead.Task.IsCompletedSuccessfully;

        public async Task ArriveAsync(CancellationToken ct)
        {
            var arrived = Interlocked.Increment(ref _arrived);
            if (arrived == participants)
            {
                _allRead.SetResult();
            }
            if (arrived <= participants)
            {
                // Bounded, so a racer that never arrives fails the test instead of hanging it.
                await _allRead.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            }
        }
    }
}
