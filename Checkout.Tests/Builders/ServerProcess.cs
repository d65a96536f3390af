using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Checkout.Tests.Builders;

/// <summary>
/// A server program a test runs on its own (a Redis, an SMTP server) on a free 127.0.0.1 port, started and killed by
/// the test: a kill is a crash, and starting it again on the same port is the restart.
/// </summary>
public static class ServerProcess
{
    /// <summary>A port no one listens on now.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Starts <paramref name="program"/> and returns once it accepts connections on <paramref name="port"/>.</summary>
    public static async Task<Process> StartAsync(string program, IEnumerable<string> arguments, int port)
    {
        var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        await Eventually.TrueAsync(async () =>
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, $"{Path.GetFileName(program)} accepts connections on port {port}");
        return process;
    }

    /// <summary>Kills the process, as a crash would, and waits until it is gone.</summary>
    public static async Task StopAsync(Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process?.Dispose();
    }
}
