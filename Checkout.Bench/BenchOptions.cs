using Checkout.Data.Persistence;
using Npgsql;
using StackExchange.Redis;

namespace Checkout.Bench;

/// <summary>The command line. Every number has a default that suits the 2-core box the README's table comes from.</summary>
public sealed record BenchOptions
{
    public const string Usage = """
        Checkout.Bench — checkout throughput and latency beside the raw limit of its database, in one run.

          dotnet run -c Release --project Checkout.Bench -- [options]

          --quick               short run for CI smoke (under a minute on 2 cores)
          --json PATH           also write the results as one JSON object
          --concurrency N       concurrent workers per row (default 8)
          --duration S          measured seconds per row (default 15; 3 with --quick)
          --warmup S            warm-up seconds per row before measuring (default 15, long enough for tiered
                                compilation to settle: each row's line shows the JIT time left in its
                                measured phase; 1 with --quick)
          --rows LIST           comma-separated subset of raw-limit,raw-take,raw-checkout,reserve,checkout,sold-out,hot-sku, or
                                none (then give --http: only the http rows run). raw-checkout is the product's minimal
                                checkout written by hand, the same work as the checkout row (new cart, its line,
                                start, place), with prepared statements, one connection per worker, and the gateway's
                                ledger where the product's simulated gateway keeps it (a SQLite file of its own; a
                                table of its own in the shop's PostgreSQL database): the ceiling checkout is compared
                                with; the rows it wrote are checked afterwards, and a failed check fails the run. On
                                SQLite its units share commits as the product's do; on PostgreSQL each unit is one
                                round trip (one NpgsqlBatch, an implicit transaction, its conditional statements
                                guarded so that a wrong row count fails it all), and each read one (the product's
                                price and stock, the cart, the session).
                                raw-take and sold-out (checkout starts on a hot SKU that Redis counts sold out,
                                each answered out of stock) need --redis (without it the default rows leave them out)
          --provider NAME       Sqlite (default: a fresh file per row) or PostgreSQL (a fresh database per row
                                on the --postgres server, dropped at the end of the row)
          --postgres CONN       the PostgreSQL server (default Host=127.0.0.1;Port=5433;Username=postgres;
                                Database=postgres); an error without --provider PostgreSQL
          --redis CONN          StackExchange.Redis configuration, e.g. 127.0.0.1:6390: the bench's products are
                                hot, so holds take from Redis counters first (a key prefix of their own per row),
                                raw-limit becomes the bare DECR(BY 1) loop on a Redis key, and raw-take runs the
                                product's own take (its Lua script on a counter with an epoch) bare, in the same
                                closed loop (raw-checkout stays SQL)
          --units N             hot-sku's units (default 1,000; 20,000 with --open-loop)
          --open-loop RATE      hot-sku as an open loop: RATE buyers per second arrive on a fixed schedule whatever
                                the checkout's pace, each buying one unit once; latency runs from the scheduled
                                arrival. Without it, 64 buyers buy back to back (a closed loop), each until its
                                checkout start answers out of stock
          --max-duration S      the open loop's bound: arrivals stop at the first sold-out answer or after S seconds
                                (default 60); buyers still in flight 10 s later are abandoned (cancelled, counted)
          --mid-run COMMAND     with --open-loop: run COMMAND (through bash) halfway through --max-duration while the
                                buyers keep arriving, e.g. a restart of Redis or PostgreSQL; the row's note says when
                                it ran, how long it took and its exit code, and the ledger is checked after as always
          --max-in-flight N     the open loop's admission: at most N buyers are served at once (default 256), as a
                                server admits at most so many requests; the others queue in arrival order, and
                                their latency still runs from their scheduled arrival
          --profile             before the rows, run each use case alone and print its SQL commands, connection
                                opens, transactions, commits, bytes allocated, methods JIT-compiled meanwhile and
                                where the time goes. On PostgreSQL the commands are Npgsql's own count (plain ADO.NET
                                ones too); on SQLite only EF Core's are seen
          --http URL[,URL...]   add the http row: the checkout through the JSON API of running instances
                                (loopback addresses only). With several URLs (instances sharing one database)
                                the clients are spread round-robin over them, and the row runs twice: http-1
                                on the first URL alone, then http-N on all, with the ratio http-N/http-1 and each
                                instance's share of http-N's orders. The instances' own CPU per order is read
                                from their processes (found by port in /proc)
          --clients N           concurrent HTTP clients (default: --concurrency)
          --admin-key KEY       the instances' admin key (X-Admin-Key): the http row restocks the chosen SKU through
                                the admin API of the first URL first, and reads each instance's .NET runtime meter
                                from its /metrics before and after the measured phase: the app's CPU µs per order
                                as the runtime counts it (beside the figure from /proc), KB allocated per order,
                                GCs by generation and working set after the phase (the row's note and the JSON
                                row). Without it the row's note says that these need the key
          -h, --help            this text

        With PostgreSQL or Redis, every row also reports the processor time per operation that the servers spent in
        its measured phase — db: PostgreSQL's postmaster and all its children; redis: the Redis server — found by the
        port they listen on (Linux /proc), and the total with the bench process's own (the instances' on the http
        rows). Whatever else those servers serve meanwhile counts too.
        """;

    public bool Quick { get; init; }
    public string? JsonPath { get; init; }
    public int Concurrency { get; init; } = 8;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(15);
    public IReadOnlySet<string> Rows { get; init; } = new HashSet<string>(AllRows);
    public bool Profile { get; init; }
    public DatabaseProvider Provider { get; init; } = DatabaseProvider.Sqlite;
    public string PostgresServer { get; init; } = DefaultPostgresServer;
    public string? Redis { get; init; }
    public IReadOnlyList<Uri> HttpUrls { get; init; } = [];
    public int? Clients { get; init; }
    public string? AdminKey { get; init; }
    public bool Help { get; init; }

    /// <summary>hot-sku as an open loop: buyers arriving at this rate per second, whatever the checkout's pace.</summary>
    public double? OpenLoop { get; init; }

    /// <summary>hot-sku's units, when given.</summary>
    public int? Units { get; init; }

    /// <summary>The open loop's admission: buyers served at once; the others wait their turn (charged to their latency).</summary>
    public int MaxInFlight { get; init; } = 256;

    /// <summary>The open loop's bound: arrivals stop after this at the latest.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A shell command the open loop runs halfway through <see cref="MaxDuration"/> (a restart of a server), when given.</summary>
    public string? MidRun { get; init; }

    /// <summary>hot-sku's units: as given, else 1,000 in a closed loop and 20,000 in an open one.</summary>
    public int HotSkuUnits => Units ?? (OpenLoop is null ? 1_000 : 20_000);

    public const string DefaultPostgresServer = "Host=127.0.0.1;Port=5433;Username=postgres;Database=postgres";

    /// <summary>A row that exists only with Redis: the product's take from a Redis counter, bare.</summary>
    public const string RawTake = "raw-take";

    /// <summary>A row that exists only with Redis: checkout starts answered out of stock by the hot SKU's counter.</summary>
    public const string SoldOut = "sold-out";

    /// <summary>The rows that need <c>--redis</c>: without it, the default rows leave them out.</summary>
    public static readonly string[] RedisRows = [RawTake, SoldOut];

    public static readonly string[] AllRows = ["raw-limit", RawTake, "raw-checkout", "reserve", "checkout", SoldOut, "hot-sku"];

    public int HttpClients => Clients ?? Concurrency;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for the user on a bad one.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        TimeSpan? duration = null, warmup = null;
        string? postgres = null;
        var rowsGiven = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            switch (arg)
            {
                case "--quick":
                    options = options with { Quick = true };
                    break;
                case "--json":
                    options = options with { JsonPath = Value() };
                    break;
                case "--concurrency":
                    options = options with { Concurrency = Positive(arg, Value(), max: 1024) };
                    break;
                case "--duration":
                    duration = Seconds(arg, Value());
                    break;
                case "--warmup":
                    warmup = Seconds(arg, Value(), allowZero: true);
                    break;
                case "--rows":
                    var list = Value();
                    var rows = list.Trim() == "none" ? []
                        : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
                    if (rows.FirstOrDefault(r => !AllRows.Contains(r)) is { } unknown)
                    {
                        throw new ArgumentException($"Unknown row '{unknown}'; the rows are {string.Join(", ", AllRows)}.");
                    }
                    options = options with { Rows = rows };
                    rowsGiven = true;
                    break;
                case "--profile":
                    options = options with { Profile = true };
                    break;
                case "--provider":
                    options = options with { Provider = ParseProvider(Value()) };
                    break;
                case "--postgres":
                    postgres = Value();
                    break;
                case "--redis":
                    options = options with { Redis = RedisConfiguration(Value()) };
                    break;
                case "--http":
                    var urls = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(LoopbackUrl).ToArray();
                    options = urls.Length > 0 ? options with { HttpUrls = urls } : throw new ArgumentException("--http needs at least one URL.");
                    break;
                case "--clients":
                    options = options with { Clients = Positive(arg, Value(), max: 1024) };
                    break;
                case "--admin-key":
                    options = options with { AdminKey = Value() };
                    break;
                case "--open-loop":
                    options = options with { OpenLoop = Positive(arg, Value(), max: 100_000) };
                    break;
                case "--units":
                    options = options with { Units = Positive(arg, Value(), max: 10_000_000) };
                    break;
                case "--max-in-flight":
                    options = options with { MaxInFlight = Positive(arg, Value(), max: 100_000) };
                    break;
                case "--mid-run":
                    options = options with { MidRun = Value() };
                    break;
                case "--max-duration":
                    options = options with { MaxDuration = Seconds(arg, Value()) };
                    break;
                case "-h" or "--help":
                    options = options with { Help = true };
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{arg}'.");
            }
        }
        if (postgres is not null)
        {
            options = options.Provider == DatabaseProvider.PostgreSQL
                ? options with { PostgresServer = PostgresConnection(postgres) }
                : throw new ArgumentException("--postgres needs --provider PostgreSQL.");
        }
        if (options.Redis is null && RedisRows.FirstOrDefault(options.Rows.Contains) is { } needsRedis)
        {
            options = rowsGiven
                ? throw new ArgumentException($"{needsRedis} needs --redis: it answers from a Redis counter.")
                : options with { Rows = options.Rows.Except(RedisRows).ToHashSet() };
        }
        if (options.MidRun is not null && options.OpenLoop is null)
        {
            throw new ArgumentException("--mid-run needs --open-loop: it runs halfway through the open loop's --max-duration.");
        }
        if (options.Rows.Count == 0 && options.HttpUrls.Count == 0 && !options.Help)
        {
            throw new ArgumentException("--rows none leaves nothing to run: give --http URL as well.");
        }
        return options with
        {
            Duration = duration ?? (options.Quick ? TimeSpan.FromSeconds(3) : options.Duration),
            Warmup = warmup ?? (options.Quick ? TimeSpan.FromSeconds(1) : options.Warmup),
        };
    }

    private static int Positive(string name, string value, int max) =>
        int.TryParse(value, out var n) && n >= 1 && n <= max ? n : throw new ArgumentException($"{name} is a whole number from 1 to {max}.");

    private static TimeSpan Seconds(string name, string value, bool allowZero = false) =>
        double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var s) && (s > 0 || (allowZero && s == 0)) && s <= 3600
            ? TimeSpan.FromSeconds(s)
            : throw new ArgumentException($"{name} is a number of seconds up to 3600.");

    /// <summary>The bench runs where the product's tests run: embedded SQLite and a PostgreSQL server.</summary>
    private static DatabaseProvider ParseProvider(string value) =>
        Enum.TryParse<DatabaseProvider>(value, ignoreCase: true, out var provider) && provider is DatabaseProvider.Sqlite or DatabaseProvider.PostgreSQL
            ? provider
            : throw new ArgumentException($"--provider is Sqlite or PostgreSQL, not '{value}'.");

    private static string PostgresConnection(string value)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(value).ConnectionString;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--postgres is not a PostgreSQL connection string ({e.Message}).", e);
        }
    }

    private static string RedisConfiguration(string value)
    {
        try
        {
            return ConfigurationOptions.Parse(value) is { EndPoints.Count: > 0 } ? value : throw new ArgumentException("no endpoint");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--redis is not a StackExchange.Redis configuration such as 127.0.0.1:6390 ({e.Message}).", e);
        }
    }

    /// <summary>The http row generates load: it only ever targets this machine.</summary>
    private static Uri LoopbackUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("--http needs an absolute http(s) URL, e.g. http://127.0.0.1:5070.");
        }
        if (!uri.IsLoopback)
        {
            throw new ArgumentException("--http targets loopback addresses only (localhost, 127.0.0.0/8, [::1]).");
        }
        return uri;
    }
}
