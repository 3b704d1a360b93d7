using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;

namespace OneApi.Server.Background;

/// <summary>
/// With <c>LOG_SQL_DSN</c>, moves log rows from the main database to the log database. Every writer keeps adding its
/// log rows to the main database's <c>logs</c> table in the transaction of the change they describe (a settlement's
/// consume log commits with the quota it charges), so a crash loses neither; that table is only an outbox then.
/// A batch is deleted from the main database, inserted and committed in the log database, and only then is the delete
/// committed: a crash between the two commits ships that batch again (a duplicate row, never a lost one). Deleting
/// first claims the rows, so nodes shipping at once wait on each other's row locks instead of shipping a row twice.
/// Rows left at a stop are shipped by the next start of any node.
/// </summary>
public sealed partial class LogShipper(
    IDbContextFactory<OneApiDbContext> databases,
    LogDatabase logs,
    TimeProvider time,
    ILogger<LogShipper> logger) : BackgroundService
{
    public const int BatchSize = 500;

    /// <summary>How long a row written without a <see cref="Nudge"/> waits at most.</summary>
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Ships soon: new log rows were committed to the main database.</summary>
    public void Nudge()
    {
        if (logs.IsSeparate)
        {
            _wake.Writer.TryWrite(true);
        }
    }

    /// <summary>Moves up to <see cref="BatchSize"/> rows, oldest first; returns how many (0 also when another node holds them).</summary>
    public async Task<int> ShipBatchAsync(CancellationToken cancellationToken)
    {
        await using var main = await databases.CreateDbContextAsync(cancellationToken);
        if (!await main.Logs.AnyAsync(cancellationToken))
        {
            return 0; // an idle tick takes no write lock (SQLite's transactions lock the whole file)
        }
        await using var transaction = await main.Database.BeginTransactionAsync(cancellationToken);
        var rows = await main.Logs.OrderBy(l => l.Id).Take(BatchSize).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return 0;
        }
        var ids = rows.Select(l => l.Id).ToList();
        if (await main.Logs.Where(l => ids.Contains(l.Id)).ExecuteDeleteAsync(cancellationToken) != rows.Count)
        {
            return 0; // another node shipped some of them first; the rest come with the next batch
        }
        await using (var logDb = await logs.CreateDbContextAsync(cancellationToken))
        {
            foreach (var row in rows)
            {
                row.Id = 0; // the log database numbers its own rows
            }
            logDb.Logs.AddRange(rows);
            await logDb.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!logs.IsSeparate)
        {
            return;
        }
        Task<bool>? wake = null; // kept across rounds: a new wait each second would pile up waiters in the channel
        while (true)
        {
            try
            {
                while (await ShipBatchAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e);
            }
            wake ??= _wake.Reader.WaitToReadAsync(stoppingToken).AsTask();
            if (await Task.WhenAny(wake, Task.Delay(Period, time, stoppingToken)) == wake)
            {
                wake = null;
                _wake.Reader.TryRead(out _);
            }
            stoppingToken.ThrowIfCancellationRequested();
        }
    }

    [LoggerMessage(EventId = 330, Level = LogLevel.Warning, Message = "shipping logs to the log database failed; they stay in the main database until the next try")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
