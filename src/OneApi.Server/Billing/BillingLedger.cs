using System.Threading.Channels;
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
/// committed, so a client never sees a complete answer that is not yet on the books.
/// With <c>BATCH_UPDATE_ENABLED</c> the caller does not wait and batches are written every
/// <c>BATCH_UPDATE_INTERVAL</c>: cheaper, but a crash loses up to one interval (a clean stop loses nothing).
/// The consume logs commit with the charge, in the main database even with <c>LOG_SQL_DSN</c>: the
/// <see cref="LogShipper"/> moves them to the log database afterwards.
/// </summary>
public sealed partial class BillingLedger(
    IDbContextFactory<OneApiDbContext> databases,
    OptionStore options,
    GatewaySettings settings,
    QuotaReminder reminder,
    LogShipper logShipper,
    TimeProvider time,
    ILogger<BillingLedger> logger) : IHostedLifecycleService
{
    private readonly CancellationTokenSource _stopped = new();
    private Task _writer = Task.CompletedTask;

    private const int MaxBatch = 512;
    private readonly Channel<PendingSettlement> _queue = System.Threading.Channels.Channel.CreateUnbounded<PendingSettlement>(new UnboundedChannelOptions { SingleReader = true });

    public Task SettleAsync(Settlement settlement)
    {
        Observability.GatewayMetrics.Settled(settlement);
        var pending = new PendingSettlement(settlement, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("the billing ledger has stopped");
        }
        return settings.BatchUpdateInterval is null ? pending.Committed.Task : Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer = Task.Run(WriteUntilCompletedAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    // The web server drains its requests in its own StopAsync, which runs after ours: the ledger must keep
    // taking settlements until every service has stopped, and only then write the last of them.
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _stopped.CancelAsync(); // ends a batch interval's wait at once
        await _writer.WaitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WriteUntilCompletedAsync()
    {
        var batch = new List<PendingSettlement>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            if (settings.BatchUpdateInterval is { } interval && !_stopped.IsCancellationRequested)
            {
                await Task.Delay(interval, time, _stopped.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
            while (_queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                if (batch.Count == MaxBatch)
                {
                    await WriteWithRetryAsync(batch);
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
            {
                await WriteWithRetryAsync(batch);
                batch.Clear();
            }
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
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
            }
            catch (Exception e)
            {
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
        await using var db = await databases.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var sql = new LedgerSql(db.Database.GetDbConnection(), transaction.GetDbTransaction(), db.GetService<ISqlGenerationHelper>());

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
        logShipper.Nudge();
        reminder.Charged(settlements.Select(s => (s.UserId, s.Delta)));
    }

    private sealed record PendingSettlement(Settlement Settlement, TaskCompletionSource Committed);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "billing batch of {Count} failed on attempt {Attempt}; retrying")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count, int attempt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Critical, Message = "billing batch of {Count} could not be written")]
    private static partial void LogLost(ILogger logger, Exception exception, int count);
}
