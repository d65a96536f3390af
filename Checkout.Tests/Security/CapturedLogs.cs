using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Checkout.Tests.Security;

/// <summary>
/// A logger provider that keeps every entry it is given: the formatted message, each structured value, the scopes
/// around it and the exception with its inner ones, so a test can search all of it.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Every entry as one line of text: level, category, message, values, scopes and exception.</summary>
    public string Text => string.Join("\n", _entries.Select(e => e.ToString()));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            var scopes = new List<string>();
            owner._scopes.ForEachScope((scope, list) => list.Add(Describe(scope)), scopes);
            owner._entries.Enqueue(new LogEntry(
                logLevel, category, eventId, formatter(state, exception),
                [.. values.Select(v => $"{v.Key}={Describe(v.Value)}")], scopes, exception?.ToString()));
        }

        private static string Describe(object? value) => value switch
        {
            null => "",
            IEnumerable<KeyValuePair<string, object?>> pairs => string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")),
            _ => value.ToString() ?? "",
        };
    }
}

public sealed record LogEntry(
    LogLevel Level, string Category, EventId EventId, string Message, IReadOnlyList<string> Values, IReadOnlyList<string> Scopes, string? Exception)
{
    public override string ToString() =>
        $"{Level} {Category}[{EventId.Id}]: {Message} | {string.Join("; ", Values)} | {string.Join(" => ", Scopes)} | {Exception}";
}
