using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using OneApi.Server.Background;
using OneApi.Server.Configuration;
using OneApi.Server.Mail;
using OneApi.Server.Options;

namespace OneApi.Server.Billing;

/// <summary>
/// Writes settlements with group commit: requests that finish together are charged in one transaction, their
/// counters summed per token, user and channel. <see cref="SettleAsync"/> returns only once the charge is
/// committed, so a client never sees a complete answer that is not yet on the books. A request alone in flight (no
/// other reservation held) that finds no write under way commits its own settlement at once, on its own thread: at
/// low load the handoff to a writer thread and back cost more than the write. With company, settlements queue for a
/// background writer that commits what has gathered in one transaction: a commit per request would cost more than
/// the handoff.
/// With <c>BATCH_UPDATE_ENABLED</c> the caller does not wait and batches are written every
/// <c>BATCH_UPDATE_INTERVAL</c>: cheaper, but a crash loses up to one interval (a clean stop loses nothing).
/// The consume logs commit with the charge, in the main database even with <c>LOG_SQL_DSN</c>: the
/// <see cref="LogShipper"/> moves them to the log database afterwards.
/// </summary>
public sealed partial class BillingLedger(
    IDbContextFactory<OneApiDbContext> databases,
    OptionStore options,
    GatewaySettings settings,
    QuotaReservations reservations,
    QuotaReminder reminder,
    LogShipper logShipper,
    TimeProvider time,
    ILogger<BillingLedger> logger) : IHostedLifecycleService
{
    private readonly CancellationTokenSource _stopped = new();
    private Task _intervalWriter = Task.CompletedTask;

    private const int MaxBatch = 512;
    private readonly ConcurrentQueue<PendingSettlement> _queue = new();
    private int _writing; // 1 while one writer (a settling request or the background drain) owns the queue
    private LedgerCommands? _open; // the writer's open connection and its statements; only the writer touches it
    private long _lastWrite;
    private static readonly TimeSpan KeepOpenFor = TimeSpan.FromSeconds(30);

    public Task SettleAsync(Settlement settlement)
    {
        Observability.GatewayMetrics.Settled(settlement);
        var pending = new PendingSettlement(settlement, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Enqueue(pending);
        if (settings.BatchUpdateInterval is not null && !_stopped.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }
        if (!TryTakeWriter())
        {
            return pending.Committed.Task; // the writer at work takes it on before it stops
        }
        if (reservations.Held <= 1)
        {
            return WriteUntilCommittedAsync(pending);
        }
        _ = Task.Run(() => DrainAsync(own: null));
        return pending.Committed.Task;
    }

    private async Task WriteUntilCommittedAsync(PendingSettlement own)
    {
        await DrainAsync(own);
        await own.Committed.Task;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.BatchUpdateInterval is { } interval)
        {
            _intervalWriter = Task.Run(() => WriteEveryIntervalAsync(interval), CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    // The web server drains its requests in its own StopAsync, which runs after ours: the ledger must keep
    // taking settlements until every service has stopped, and only then write the last of them. From then on
    // each settlement is written as it comes, even with BATCH_UPDATE_ENABLED.
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        await _stopped.CancelAsync(); // ends a batch interval's wait at once
        await _intervalWriter.WaitAsync(cancellationToken);
        while (!_queue.IsEmpty || Volatile.Read(ref _writing) != 0)
        {
            if (TryTakeWriter())
            {
                await DrainAsync(own: null);
            }
            else
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken); // a writer is at work: let it finish
            }
        }
        if (TryTakeWriter())
        {
            await CloseAsync();
            Volatile.Write(ref _writing, 0);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WriteEveryIntervalAsync(TimeSpan interval)
    {
        while (!_stopped.IsCancellationRequested)
        {
            await Task.Delay(interval, time, _stopped.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
            if (TryTakeWriter())
            {
                await DrainAsync(own: null);
            }
        }
    }

    private bool TryTakeWriter() => Interlocked.CompareExchange(ref _writing, 1, 0) == 0;

    /// <summary>
    /// Writes the queue a batch at a time: until <paramref name="own"/> is committed when a settling request writes,
    /// or until the queue is empty for the background drain. Then gives the queue up.
    /// </summary>
    private async Task DrainAsync(PendingSettlement? own)
    {
        var batch = new List<PendingSettlement>();
        try
        {
            while (own is null || !own.Committed.Task.IsCompleted)
            {
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var item))
                {
                    batch.Add(item);
                }
                if (batch.Count == 0)
                {
                    break;
                }
                await WriteWithRetryAsync(batch);
                batch.Clear();
            }
        }
        finally
        {
            ReleaseWriter();
        }
    }

    /// <summary>
    /// Settlements queued behind a write have nobody else to write them: the background drain takes them on, so the
    /// request that wrote can answer at once.
    /// </summary>
    private void ReleaseWriter()
    {
        Volatile.Write(ref _writing, 0);
        if (!_queue.IsEmpty && (settings.BatchUpdateInterval is null || _stopped.IsCancellationRequested) && TryTakeWriter())
        {
            _ = Task.Run(() => DrainAsync(own: null));
        }
    }

    private async Task WriteWithRetryAsync(List<PendingSettlement> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync(batch);
                foreach (var item in batch)
                {
                    item.Committed.TrySetResult();
                }
                return;
            }
            catch (Exception e) when (attempt < 5)
            {
                LogRetry(logger, e, batch.Count, attempt);
                await CloseAsync(); // the connection may be what broke: the next attempt opens another
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
            }
            catch (Exception e)
            {
                await CloseAsync();
                LogLost(logger, e, batch.Count);
                foreach (var item in batch)
                {
                    item.Committed.TrySetException(e);
                }
                return;
            }
        }
    }

    private async Task WriteAsync(List<PendingSettlement> batch)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var settlements = batch.Select(p => p.Settlement).ToList();
        var open = await OpenAsync();
        await using var transaction = await open.Db.Database.BeginTransactionAsync();
        var sql = new LedgerSql(open, transaction.GetDbTransaction(), open.Db.GetService<ISqlGenerationHelper>());

        foreach (var token in settlements.Where(s => !s.TokenUnlimited && s.Delta != 0)
                     .GroupBy(s => s.TokenId, (id, items) => (Id: id, Delta: items.Sum(s => s.Delta))))
        {
            await sql.ChargeTokenAsync(token.Id, token.Delta, now);
        }
        foreach (var user in settlements.GroupBy(s => s.UserId,
                     (id, items) => (Id: id, Delta: items.Sum(s => s.Delta), Used: items.Sum(s => s.Quota), Count: items.Count())))
        {
            await sql.ChargeUserAsync(user.Id, user.Delta, user.Used, user.Count);
        }
        foreach (var channel in settlements.Where(s => s.Quota != 0)
                     .GroupBy(s => s.ChannelId, (id, items) => (Id: id, Used: items.Sum(s => s.Quota))))
        {
            await sql.AddChannelUsageAsync(channel.Id, channel.Used);
        }
        if (options.Current.LogConsumeEnabled)
        {
            await sql.InsertLogsAsync(settlements, now);
        }
        await sql.InsertRequestCostsAsync(settlements.Where(s => s.Quota != 0).ToList(), now);
        await transaction.CommitAsync();
        _lastWrite = time.GetTimestamp();
        logShipper.Nudge();
        reminder.Charged(settlements.Select(s => (s.UserId, s.Delta)));
    }

    /// <summary>
    /// The writer's connection, kept open from one batch to the next: opening one (a pooled context, the connection, its
    /// pragmas) cost about a third of a one-settlement batch. Closed after <see cref="KeepOpenFor"/> without a write,
    /// before a database or a proxy drops it as idle, and after any failure.
    /// </summary>
    private async Task<LedgerCommands> OpenAsync()
    {
        if (_open is not null && time.GetElapsedTime(_lastWrite) < KeepOpenFor)
        {
            return _open;
        }
        await CloseAsync();
        var db = await databases.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        return _open = new LedgerCommands(db);
    }

    private async Task CloseAsync()
    {
        if (_open is { } open)
        {
            _open = null;
            await open.DisposeAsync();
        }
    }

    private sealed record PendingSettlement(Settlement Settlement, TaskCompletionSource Committed);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "billing batch of {Count} failed on attempt {Attempt}; retrying")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count, int attempt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Critical, Message = "billing batch of {Count} could not be written")]
    private static partial void LogLost(ILogger logger, Exception exception, int count);
}
