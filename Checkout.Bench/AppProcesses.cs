using System.Diagnostics;
using System.Globalization;

namespace Checkout.Bench;

/// <summary>
/// The processes of the instances the http row loads, found on this machine by the port each URL's instance listens
/// on (Linux: the LISTEN socket's inode in /proc/net/tcp and tcp6, then the process holding <c>socket:[inode]</c> among
/// /proc/*/fd), so that the row can report their own processor time per order beside the bench's.
/// </summary>
internal sealed class AppProcesses
{
    private const string Listen = "0A";

    private readonly Process[] _processes;

    private AppProcesses(Process[] processes, string? missing)
    {
        _processes = processes;
        Missing = missing;
    }

    /// <summary>Why the instances' processor time is not measured (no process found for some URL), or null when it is.</summary>
    public string? Missing { get; }

    /// <summary>Finds one process per URL (several URLs may be one process, counted once).</summary>
    public static AppProcesses Find(IEnumerable<Uri> urls)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new([], "app CPU not measured: the listening processes are found through Linux's /proc");
        }
        var sockets = urls.Select(u => u.Port).Distinct().ToDictionary(port => port, port => ListeningInodes(port).ToArray());
        var owners = Owners(sockets.Values.SelectMany(inodes => inodes).ToHashSet());
        var pids = sockets.ToDictionary(s => s.Key, s => s.Value.Select(inode => owners.GetValueOrDefault(inode)).FirstOrDefault(pid => pid > 0));
        var lost = pids.Where(p => p.Value == 0).Select(p => p.Key).ToArray();
        return lost.Length > 0
            ? new([], $"app CPU not measured: no process on this machine found listening on port {string.Join(", ", lost)}")
            : new([.. pids.Values.Distinct().Select(Process.GetProcessById)], null);
    }

    /// <summary>The processes' processor time so far (user + kernel, all threads), summed; null when none is measured or one has exited.</summary>
    public TimeSpan? CpuTime()
    {
        if (_processes.Length == 0)
        {
            return null;
        }
        var total = TimeSpan.Zero;
        foreach (var process in _processes)
        {
            process.Refresh();
            if (process.HasExited)
            {
                return null;
            }
            total += process.TotalProcessorTime;
        }
        return total;
    }

    /// <summary>The inodes of the TCP sockets (IPv4 and IPv6) listening on <paramref name="port"/>.</summary>
    private static IEnumerable<long> ListeningInodes(int port) =>
        from table in new[] { "/proc/net/tcp", "/proc/net/tcp6" }
        where File.Exists(table)
        from line in File.ReadLines(table).Skip(1)
        let fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        where fields.Length > 9 && fields[3] == Listen
              && int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port
        select long.Parse(fields[9], CultureInfo.InvariantCulture);

    /// <summary>Which process holds each socket inode, from the links in /proc/*/fd (processes it may not read are skipped).</summary>
    private static Dictionary<long, int> Owners(HashSet<long> inodes)
    {
        var owners = new Dictionary<long, int>();
        if (inodes.Count == 0)
        {
            return owners;
        }
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(folder, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)
                        && long.TryParse(target.AsSpan(8, target.Length - 9), CultureInfo.InvariantCulture, out var inode) && inodes.Contains(inode))
                    {
                        owners.TryAdd(inode, pid);
                    }
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                // Another user's process, or one that exited meanwhile.
            }
        }
        return owners;
    }
}
