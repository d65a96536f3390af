using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Checkout.Tests.Builders;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb in a temp folder, a free 127.0.0.1 port), which the test may
/// restart. Tests that only need a server share the one named by <c>CHECKOUT_TEST_POSTGRES</c>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;

    private PostgresServer(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    public static async Task<PostgresServer> StartAsync()
    {
        // The newest installed server, as scripts/services.sh picks it.
        var bin = Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderBy(d => Version.Parse(Path.GetFileName(Path.GetDirectoryName(d)!) + ".0"))
            .LastOrDefault() ?? throw new InvalidOperationException("PostgreSQL is not installed (scripts/test.sh installs it).");
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var folder = Directory.CreateTempSubdirectory("checkout-pg-").FullName;
        var server = new PostgresServer(bin, folder, port);
        if (Environment.UserName == "root")
        {
            // PostgreSQL refuses to run as root: the cluster belongs to the postgres account.
            await RunAsync("chown", "postgres:postgres", folder);
            await RunAsync("chmod", "755", folder);
        }
        await server.AsServerUserAsync("initdb", "-D", server.DataFolder, "-U", "postgres", "--auth=trust", "-E", "UTF8");
        await server.StartAgainAsync();
        return server;
    }

    private string DataFolder => Path.Combine(_folder, "data");

    public Task StartAgainAsync() => AsServerUserAsync(
        "pg_ctl", "-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "30",
        "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -k {_folder} -c fsync=off", "start");

    /// <summary>Stops the server at once, dropping every connection (<c>-m immediate</c>: as a crash would).</summary>
    public Task StopAsync() => AsServerUserAsync("pg_ctl", "-D", DataFolder, "-m", "immediate", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        Directory.Delete(_folder, recursive: true);
    }

    private Task AsServerUserAsync(string tool, params string[] args)
    {
        var program = Path.Combine(_bin, tool);
        return Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", program, .. args])
            : RunAsync(program, args);
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
