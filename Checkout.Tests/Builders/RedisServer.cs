using System.Diagnostics;

namespace Checkout.Tests.Builders;

/// <summary>
/// A redis-server of the test's own on a free 127.0.0.1 port, which the test may stop and start again (as a crash
/// and a restart: nothing is saved). Tests that only need a Redis share the one named by <c>CHECKOUT_TEST_REDIS</c>.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string SharedVariable = "CHECKOUT_TEST_REDIS";

    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The shared server; a missing one fails the test with a hint, it never skips it.</summary>
    public static string Shared() =>
        Environment.GetEnvironmentVariable(SharedVariable) is { Length: > 0 } server
            ? server
            : throw new InvalidOperationException($"The Redis tests need a server: set {SharedVariable} (e.g. 127.0.0.1:6390) or run scripts/test.sh, which starts one.");

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(ServerProcess.FreePort());
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync() =>
        _process = await ServerProcess.StartAsync("redis-server", ["--bind", "127.0.0.1", "--port", Port.ToString(), "--save", "", "--appendonly", "no"], Port);

    /// <summary>Kills the server, as a crash would.</summary>
    public async Task StopAsync()
    {
        await ServerProcess.StopAsync(_process);
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
