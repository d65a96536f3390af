using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Checkout.Data.Persistence;

/// <summary>
/// Checkpoints of the shop's write-ahead log, off the <see cref="SqliteWriter"/>'s path. Left to SQLite, the commit
/// that grows the log past its threshold copies the log into the database file and flushes it to disk, inside that
/// commit: every caller of that batch, and every batch behind it, waits for it. The writer's connection therefore
/// never checkpoints (<c>wal_autocheckpoint = 0</c>); it tells this class after each commit, and every
/// <see cref="BatchesPerCheckpoint"/> batches a <c>PASSIVE</c> checkpoint runs here on a connection of its own, which
/// takes no write lock and waits for no reader: the writer goes on committing meanwhile.
/// </summary>
internal sealed partial class SqliteCheckpoints : IAsyncDisposable
{
    /// <summary>Often enough that the log stays short, seldom enough that one checkpoint copies many commits at once.</summary>
    internal const int BatchesPerCheckpoint = 100;

    /// <summary>What the writer's connection runs once when it opens.</summary>
    internal const string WriterSettings = "PRAGMA wal_autocheckpoint = 0;";

    /// <summary>SQLite's default, given back to the writer's connection before it returns to the connection pool.</summary>
    internal const string PooledSettings = "PRAGMA wal_autocheckpoint = 1000;";

    private readonly string _connectionString;
    private readonly ILogger _logger;
    // One request waiting is enough: a checkpoint copies everything committed before it starts.
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly Task _loop;
    private int _sinceLast;
    private long _done;

    public SqliteCheckpoints(string connectionString, ILogger logger)
    {
        _connectionString = connectionString;
        _logger = logger;
        _loop = Task.Run(CheckpointLoopAsync);
    }

    /// <summary>Checkpoints that ran to the end: for tests and the benchmark.</summary>
    public long Done => Interlocked.Read(ref _done);

    /// <summary>The writer committed a batch. Called by the writer's loop only.</summary>
    public void Committed()
    {
        if (++_sinceLast >= BatchesPerCheckpoint)
        {
            _sinceLast = 0;
            _requests.Writer.TryWrite(true);
        }
    }

    private async Task CheckpointLoopAsync()
    {
        SqliteConnection? connection = null;
        try
        {
            await foreach (var _ in _requests.Reader.ReadAllAsync())
            {
                try
                {
                    if (connection is null)
                    {
                        connection = new SqliteConnection(_connectionString);
                        await connection.OpenAsync();
                    }
                    await using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                    await command.ExecuteNonQueryAsync();
                    Interlocked.Increment(ref _done);
                }
                catch (SqliteException e)
                {
                    // The next request tries again on a fresh connection; until then the log only grows.
                    LogCheckpointFailed(e);
                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _loop;
    }

    [LoggerMessage(LogLevel.Warning, "A checkpoint of the write-ahead log failed; it is tried again after the next batches")]
    private partial void LogCheckpointFailed(Exception exception);
}
