using System.Net;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Checkout.Tests.Api;

/// <summary>
/// <c>/healthz</c> asks the database at most once a second however often it is polled, and reports a database that
/// went away within that second. The app runs on a fake clock: the second passes when the test says so. That the
/// database is really gone while the answers stay healthy is the proof that those requests did not ask it.
/// </summary>
public abstract class HealthCheckTests : IAsyncLifetime
{
    private const int Requests = 100;

    private TestApp _app = null!;
    private FakeTimeProvider _clock = null!;

    /// <summary>The app on a database of the test's own, with the clock it runs on.</summary>
    protected abstract Task<(TestApp App, FakeTimeProvider Clock)> StartAsync();

    /// <summary>Makes the app's database unreachable for good, as a lost disk or a dropped database would.</summary>
    protected abstract Task TakeTheDatabaseAwayAsync();

    public async Task InitializeAsync() => (_app, _clock) = await StartAsync();

    [Fact]
    public async Task Healthz_SharesOneAnswerPerSecond_AndTurnsUnhealthyWithinASecondOfTheDatabaseGoingAway()
    {
        using var client = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        await TakeTheDatabaseAwayAsync();
        var withinTheSecond = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => client.GetAsync("/healthz")));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var afterIt = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => client.GetAsync("/healthz")));

        Assert.All(withinTheSecond, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(afterIt, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
    }

    public virtual async Task DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>On SQLite the check is whether the database file is there; removing its folder also keeps a new connection from creating it again.</summary>
public sealed class HealthCheckTestsOnSqlite : HealthCheckTests
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("checkout-health-");

    protected override Task<(TestApp App, FakeTimeProvider Clock)> StartAsync()
    {
        var api = new ApiFactory(folder: _folder);
        return Task.FromResult<(TestApp, FakeTimeProvider)>((api, api.Clock));
    }

    protected override Task TakeTheDatabaseAwayAsync()
    {
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Refresh();
        if (_folder.Exists)
        {
            _folder.Delete(recursive: true);
        }
    }
}

/// <summary>On PostgreSQL the check opens a connection; the test drops the app's database with everything connected to it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HealthCheckTestsOnPostgreSQL : HealthCheckTests
{
    private TestDatabase? _database;

    protected override async Task<(TestApp App, FakeTimeProvider Clock)> StartAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSQL, Path.GetTempPath());
        var clock = new FakeTimeProvider(ApiFactory.Start);
        var app = new TestApp(new TestAppOptions
        {
            Name = "health",
            Database = DatabaseProvider.PostgreSQL,
            ConnectionString = _database.ConnectionString,
            // The product registers TimeProvider.System with TryAdd, so this clock wins.
            Services = services => services.AddSingleton<TimeProvider>(clock),
        });
        return (app, clock);
    }

    protected override async Task TakeTheDatabaseAwayAsync()
    {
        await using var server = new NpgsqlConnection(TestDatabase.SharedPostgres());
        await server.OpenAsync();
        var name = new NpgsqlConnectionStringBuilder(_database!.ConnectionString).Database;
        await using var drop = new NpgsqlCommand($"DROP DATABASE {name} WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
