using System.Diagnostics;

namespace Checkout.Bench;

/// <summary>
/// <c>--mid-run</c>: a shell command (a restart of Redis or PostgreSQL) run while the open loop's buyers keep arriving,
/// to see what the shop does through it. The ledger check after the row tells whether anything was oversold.
/// </summary>
public static class MidRun
{
    /// <summary>Waits <paramref name="after"/>, runs <paramref name="command"/> through bash and says what it did.</summary>
    public static async Task<string?> RunAsync(string command, TimeSpan after)
    {
        await Task.Delay(after);
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("bash did not start.");
        // Both streams are read to the end, or a chatty command would block on a full pipe; what it printed to stderr is kept.
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = (await process.StandardError.ReadToEndAsync()).Trim();
        await output;
        await process.WaitForExitAsync();
        var took = Stopwatch.GetElapsedTime(started);
        var said = errors.Length > 0 ? $" ({errors[..Math.Min(errors.Length, 200)]})" : "";
        return $"--mid-run ran at {after.TotalSeconds:N0} s for {took.TotalSeconds:N1} s, exit code {process.ExitCode}{said}";
    }
}
