using System.Data.Common;
using System.Net;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Api;

/// <summary>When the database does not answer, the API says so with a retryable 503 problem, and the retry works.</summary>
public sealed class OutageTests : IAsyncLifetime
{
    private readonly DatabaseDown _down = new();
    private ApiFactory _api = null!;

    public Task InitializeAsync()
    {
        _api = new ApiFactory(web => web.ConfigureServices(services =>
            services.ConfigureDbContext<SqliteCheckoutDbContext>(options => options.AddInterceptors(_down))));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task StartCheckout_WhileTheDatabaseIsDown_Answers503WithRetryAfterAndChangesNothing_AndTheRetrySucceeds()
    {
        using var shopper = _api.Shopper();
        var cartId = await shopper.CartWithAsync(("TEA-SENCHA", 1));
        var before = await _api.SnapshotAsync();

        _down.Down = true;
        var refused = await shopper.StartCheckoutAsync(cartId);
        _down.Down = false;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        await ProblemAssert.IsAsync(refused, HttpStatusCode.ServiceUnavailable, "service-unavailable");
        await _api.AssertUnchangedAsync(before, "a checkout the database never saw");
        await ApiClient.ReadAsync<CheckoutDto>(await shopper.StartCheckoutAsync(cartId), HttpStatusCode.Created);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    /// <summary>While <see cref="Down"/>, every write fails as SQLite does when it cannot get the database (SQLITE_BUSY).</summary>
    private sealed class DatabaseDown : DbCommandInterceptor
    {
        public volatile bool Down;

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            Down ? throw new SqliteException("database is locked", 5) : ValueTask.FromResult(result);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            Down ? throw new SqliteException("database is locked", 5) : ValueTask.FromResult(result);
    }
}
