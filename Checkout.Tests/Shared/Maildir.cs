using System.Collections.Concurrent;
using MimeKit;

namespace Checkout.Testing;

/// <summary>
/// What a test SMTP server delivered: a maildir, each accepted message a file in its <c>new/</c> folder. Each file is
/// parsed once per instance, however often a test asks.
/// </summary>
public sealed class Maildir(string path)
{
    public const string Variable = "CHECKOUT_TEST_MAILDIR";

    private readonly ConcurrentDictionary<string, MimeMessage> _parsed = new(StringComparer.Ordinal);

    public string Path { get; } = path;

    /// <summary>The maildir of the test SMTP server the test script started; its absence fails with a hint, never skips.</summary>
    public static Maildir FromEnvironment() => new(Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path
        ? path
        : throw new InvalidOperationException($"Set {Variable} to the test SMTP server's maildir (scripts/test.sh starts one)."));

    /// <summary>The messages that have arrived by now and match, without waiting.</summary>
    public List<MimeMessage> Messages(Func<MimeMessage, bool> match)
    {
        var delivered = System.IO.Path.Combine(Path, "new");
        return !Directory.Exists(delivered)
            ? []
            : [.. Directory.EnumerateFiles(delivered).Select(file => _parsed.GetOrAdd(file, f => MimeMessage.Load(f))).Where(match)];
    }

    /// <summary>Waits until <paramref name="count"/> messages match, and returns them.</summary>
    public async Task<IReadOnlyList<MimeMessage>> ArrivedAsync(Func<MimeMessage, bool> match, string what, int count = 1)
    {
        var arrived = await Eventually.MatchesAsync(() => Task.FromResult(Messages(match)), m => m.Count >= count, $"{count} {what} arrived in {Path}");
        Assert.Equal(count, arrived.Count);
        return arrived;
    }
}
