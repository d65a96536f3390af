using System.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Tests.Builders;

/// <summary>
/// Makes a race happen every run instead of sometimes: holds the first <c>participants</c> SELECTs whose SQL contains
/// <c>sqlFragment</c> (compared without identifier quotes, which differ between providers) until all of them have read, so every racer acts on the same stale read and only the database's
/// own guard (a compare-and-set, a primary key) can pick the winner.
/// </summary>
public sealed class ReadGate(string sqlFragment, int participants) : DbCommandInterceptor
{
    private readonly TaskCompletionSource _allRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public int Arrived => Volatile.Read(ref _arrived);

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (!command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
            || !command.CommandText.Replace("\"", "", StringComparison.Ordinal).Contains(sqlFragment, StringComparison.Ordinal))
        {
            return result;
        }
        var arrived = Interlocked.Increment(ref _arrived);
        if (arrived == participants)
        {
            _allRead.SetResult();
        }
        if (arrived <= participants)
        {
            // Bounded so that a racer that never arrives fails the test instead of hanging it.
            await _allRead.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        return result;
    }
}

public static class ReadGateExtensions
{
    /// <summary>A context factory on the shop's database whose contexts pass every read through <paramref name="gate"/>.</summary>
    public static IDbContextFactory<CheckoutDbContext> GatedDbFactory(this TestShop shop, ReadGate gate) => new GatedFactory(shop.Database, gate);

    private sealed class GatedFactory(TestDatabase database, ReadGate gate) : IDbContextFactory<CheckoutDbContext>
    {
        public CheckoutDbContext CreateDbContext() => database.CreateContext(gate);
    }
}
