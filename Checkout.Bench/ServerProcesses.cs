using System.Globalization;
using System.Net;
using Checkout.Data.Persistence;
using Npgsql;
using StackExchange.Redis;

namespace Checkout.Bench;

/// <summary>
/// Server processes found on this machine by the port they listen on (Linux: the LISTEN socket's inode in
/// /proc/net/tcp and tcp6, then the process holding <c>socket:[inode]</c> among /proc/*/fd): the instances the http
/// row loads, and the PostgreSQL and Redis servers a run uses (<see cref="RunServers"/>), so that a row can report
/// their own processor time per operation beside the bench's. A server's time includes its children's (PostgreSQL's
/// backends are children of the postmaster, which is the one listening).
/// </summary>
internal sealed class ServerProcesses
{
    private const string Listen = "0A";

    /// <summary>The unit of the times in /proc/[pid]/stat (USER_HZ), 100 on every Linux .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    private readonly int[] _pids;

    private ServerProcesses(string name, int[] pids, string? missing)
    {
        Name = name;
        _pids = pids;
        Missing = missing;
    }

    /// <summary>What the processes are, as the report names their CPU ("app", "db", "redis").</summary>
    public string Name { get; }

    /// <summary>Why their processor time is not measured (no process found for some port), or null when it is.</summary>
    public string? Missing { get; }

    /// <summary>Finds one process per port (several ports may be one process, counted once).</summary>
    public static ServerProcesses Find(string name, IEnumerable<int> ports)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new(name, [], $"{name} CPU not measured: the listening processes are found through Linux's /proc");
        }
        var sockets = ports.Distinct().ToDictionary(port => port, port => ListeningInodes(port).ToArray());
        var owners = Owners(sockets.Values.SelectMany(inodes => inodes).ToHashSet());
        var pids = sockets.ToDictionary(s => s.Key, s => s.Value.Select(inode => owners.GetValueOrDefault(inode)).FirstOrDefault(pid => pid > 0));
        var lost = pids.Where(p => p.Value == 0).Select(p => p.Key).ToArray();
        return lost.Length > 0
            ? new(name, [], $"{name} CPU not measured: no process on this machine found listening on port {string.Join(", ", lost)}")
            : new(name, [.. pids.Values.Distinct()], null);
    }

    /// <summary>
    /// The processor time so far (user + kernel, all threads) of the processes and their children, those running now
    /// and those they have collected, summed; null when none is measured or one of the processes has exited.
    /// </summary>
    public TimeSpan? CpuTime()
    {
        if (_pids.Length == 0)
        {
            return null;
        }
        var ticks = 0L;
        foreach (var pid in _pids)
        {
            if (Stat(pid) is not { } own)
            {
                return null;
            }
            ticks += own.Ticks;
        }
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out var pid) && Stat(pid) is { } child && _pids.Contains(child.Parent))
            {
                ticks += child.Ticks;
            }
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>
    /// A process's parent and its processor time in clock ticks, its collected children's included (utime, stime,
    /// cutime and cstime of /proc/[pid]/stat); null when it is gone.
    /// </summary>
    private static (int Parent, long Ticks)? Stat(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The fields after the command name, which is in parentheses and may hold spaces: state, ppid, …, utime is the 12th.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return ((int)Field(1), Field(11) + Field(12) + Field(13) + Field(14));
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

/// <summary>
/// The servers a run's rows use beside the bench process — the PostgreSQL server of <c>--postgres</c> (with
/// <c>--provider PostgreSQL</c>) and the Redis server of <c>--redis</c> — so that a measured phase can report the
/// processor time each spent (<see cref="PhaseMeter"/>). The whole server is counted: other clients of the same server
/// count too.
/// </summary>
public sealed class RunServers
{
    private readonly ServerProcesses? _db;
    private readonly ServerProcesses? _redis;

    private RunServers(ServerProcesses? db, ServerProcesses? redis)
    {
        _db = db;
        _redis = redis;
    }

    /// <summary>The run's servers, found by port; null when it has none (SQLite without <c>--redis</c>).</summary>
    public static RunServers? Find(BenchOptions options)
    {
        var db = options.Provider == DatabaseProvider.PostgreSQL
            ? ServerProcesses.Find("db", [new NpgsqlConnectionStringBuilder(options.PostgresServer).Port])
            : null;
        var redis = options.Redis is { } configuration
            ? ServerProcesses.Find("redis", ConfigurationOptions.Parse(configuration).EndPoints.Select(RedisPort))
            : null;
        return db is null && redis is null ? null : new RunServers(db, redis);
    }

    /// <summary>The servers' processor time so far, to take a phase's from.</summary>
    public (TimeSpan? Db, TimeSpan? Redis) CpuTime() => (_db?.CpuTime(), _redis?.CpuTime());

    /// <summary>What the servers spent since <paramref name="start"/> (<see cref="CpuTime"/> then).</summary>
    public ServerCpu Since((TimeSpan? Db, TimeSpan? Redis) start)
    {
        var (db, redis) = CpuTime();
        var (dbUsed, redisUsed) = (db - start.Db, redis - start.Redis);
        return new ServerCpu(dbUsed, redisUsed, Rows.Join(Unmeasured(_db, dbUsed), Unmeasured(_redis, redisUsed)));
    }

    /// <summary>Why a server of the run has no figure for the phase; null when it has one or the run has no such server.</summary>
    private static string? Unmeasured(ServerProcesses? server, TimeSpan? used) =>
        server is null || used is not null ? null : server.Missing ?? $"{server.Name} CPU not measured: a process exited during the phase";

    /// <summary>The port of a Redis endpoint as StackExchange.Redis connects to it (6379 when none is given).</summary>
    private static int RedisPort(EndPoint endpoint) => endpoint switch
    {
        IPEndPoint { Port: > 0 } ip => ip.Port,
        DnsEndPoint { Port: > 0 } dns => dns.Port,
        _ => 6379,
    };
}

/// <summary>
/// The processor time a phase's servers spent (<see cref="RunServers"/>): null for a server the run does not have
/// (SQLite is part of the bench process) or whose processes were not measured, as <paramref name="Missing"/> then says.
/// </summary>
public sealed record ServerCpu(TimeSpan? Db, TimeSpan? Redis, string? Missing);
