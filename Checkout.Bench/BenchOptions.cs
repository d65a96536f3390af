namespace Checkout.Bench;

/// <summary>The command line. Every number has a default that suits the 2-core box the README's table comes from.</summary>
public sealed record BenchOptions
{
    public const string Usage = """
        Checkout.Bench — checkout throughput and latency beside the raw SQLite limit, in one run.

          dotnet run -c Release --project Checkout.Bench -- [options]

          --quick               short run for CI smoke (under 45 s on 2 cores)
          --json PATH           also write the results as one JSON object
          --concurrency N       concurrent workers per row (default 8)
          --duration S          measured seconds per row (default 15; 3 with --quick)
          --warmup S            warm-up seconds per row before measuring (default 3; 1 with --quick)
          --rows LIST           comma-separated subset of raw-limit,reserve,checkout,hot-sku
          --profile             before the rows, run each use case alone and print its SQL commands,
                                connection opens, transactions and where the time goes
          --http URL            add the http row: the checkout through the JSON API of a running instance
                                (loopback addresses only)
          --clients N           concurrent HTTP clients (default: --concurrency)
          --admin-key KEY       restock the chosen SKU through the admin API first (X-Admin-Key)
          -h, --help            this text
        """;

    public bool Quick { get; init; }
    public string? JsonPath { get; init; }
    public int Concurrency { get; init; } = 8;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);
    public IReadOnlySet<string> Rows { get; init; } = new HashSet<string>(AllRows);
    public bool Profile { get; init; }
    public Uri? HttpUrl { get; init; }
    public int? Clients { get; init; }
    public string? AdminKey { get; init; }
    public bool Help { get; init; }

    public static readonly string[] AllRows = ["raw-limit", "reserve", "checkout", "hot-sku"];

    public int HttpClients => Clients ?? Concurrency;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for the user on a bad one.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        TimeSpan? duration = null, warmup = null;
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
                    var rows = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
                    if (rows.FirstOrDefault(r => !AllRows.Contains(r)) is { } unknown)
                    {
                        throw new ArgumentException($"Unknown row '{unknown}'; the rows are {string.Join(", ", AllRows)}.");
                    }
                    options = options with { Rows = rows };
                    break;
                case "--profile":
                    options = options with { Profile = true };
                    break;
                case "--http":
                    options = options with { HttpUrl = LoopbackUrl(Value()) };
                    break;
                case "--clients":
                    options = options with { Clients = Positive(arg, Value(), max: 1024) };
                    break;
                case "--admin-key":
                    options = options with { AdminKey = Value() };
                    break;
                case "-h" or "--help":
                    options = options with { Help = true };
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{arg}'.");
            }
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
