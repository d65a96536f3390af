using Checkout.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Checkout.Data.Reliability;

/// <summary>
/// Runs an idempotent use case again when the database refused it for a moment: SQLite busy or locked, a PostgreSQL
/// serialization failure or deadlock, a SQL Server deadlock. Only for use cases that resume safely from any point
/// (their transactions roll back and every step is keyed); when the database stays busy through the retries, the
/// caller gets a <see cref="ErrorCodes.Busy"/> result to send again, not an exception.
/// </summary>
public sealed partial class DbRetry
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqlServerDeadlockVictim = 1205;

    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger<DbRetry> _logger;

    public DbRetry(TimeProvider clock, IOptions<CheckoutOptions> options, ILogger<DbRetry> logger)
    {
        _logger = logger;
        var builder = new ResiliencePipelineBuilder { TimeProvider = clock };
        if (options.Value.DbRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = options.Value.DbRetries,
                Delay = options.Value.DbRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(args.Outcome.Exception!, args.AttemptNumber + 1);
                    return ValueTask.CompletedTask;
                },
            });
        }
        _pipeline = builder.Build();
    }

    /// <summary>Runs <paramref name="operation"/>, again on a transient database error; a <see cref="ErrorCodes.Busy"/> result once the retries are used up.</summary>
    public async Task<Result<T>> ExecuteAsync<T>(Func<CancellationToken, Task<Result<T>>> operation, CancellationToken ct)
        where T : notnull
    {
        try
        {
            return await _pipeline.ExecuteAsync(async token => await operation(token), ct);
        }
        catch (Exception e) when (IsTransient(e))
        {
            LogGaveUp(e);
            return new Error(ErrorCodes.Busy, "The shop is busy right now; nothing was lost. Try again in a moment.");
        }
    }

    /// <summary>True when the error, or one it wraps (EF wraps provider errors in DbUpdateException), says "try again".</summary>
    internal static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            var transient = e switch
            {
                SqliteException sqlite => sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked,
                PostgresException postgres => postgres.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected,
                SqlException sqlServer => sqlServer.Number == SqlServerDeadlockVictim,
                _ => false,
            };
            if (transient)
            {
                return true;
            }
        }
        return false;
    }

    [LoggerMessage(LogLevel.Warning, "Transient database error; running the use case again (retry {Retry})")]
    private partial void LogRetry(Exception exception, int retry);

    [LoggerMessage(LogLevel.Warning, "The database stayed busy through the retries; the caller is asked to try again")]
    private partial void LogGaveUp(Exception exception);
}
