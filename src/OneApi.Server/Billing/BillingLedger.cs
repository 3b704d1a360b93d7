using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using OneApi.Server.Options;

namespace OneApi.Server.Billing;

/// <summary>
/// Writes settlements with group commit: requests that finish together are charged in one transaction, their
/// counters summed per token, user and channel. <see cref="SettleAsync"/> returns only once the charge is
/// committed, so a client never sees a complete answer that is not yet on the books.
/// </summary>
public sealed partial class BillingLedger(
    IDbContextFactory<OneApiDbContext> databases,
    OptionStore options,
    TimeProvider time,
    ILogger<BillingLedger> logger) : BackgroundService
{
    private const int MaxBatch = 512;
    private readonly Channel<PendingSettlement> _queue = System.Threading.Channels.Channel.CreateUnbounded<PendingSettlement>(new UnboundedChannelOptions { SingleReader = true });

    public Task SettleAsync(Settlement settlement)
    {
        var pending = new PendingSettlement(settlement, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("the billing ledger has stopped");
        }
        return pending.Committed.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingSettlement>(MaxBatch);
        // Keep draining after stop is requested: every accepted settlement gets written.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            await WriteWithRetryAsync(batch);
            batch.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
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
    }

    private sealed record PendingSettlement(Settlement Settlement, TaskCompletionSource Committed);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "billing batch of {Count} failed on attempt {Attempt}; retrying")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count, int attempt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Critical, Message = "billing batch of {Count} could not be written")]
    private static partial void LogLost(ILogger logger, Exception exception, int count);
}
