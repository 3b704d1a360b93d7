using Microsoft.EntityFrameworkCore;
using OneApi.Data;

namespace OneApi.Server.Background;

/// <summary>
/// Keeps <c>user_request_costs</c> to its last seven days. Laisky purges on one insert in a thousand; an hourly
/// sweep keeps the same bound without putting a DELETE on the billing path.
/// </summary>
public sealed partial class RequestCostPurge(IDbContextFactory<OneApiDbContext> databases, TimeProvider time, ILogger<RequestCostPurge> logger)
    : BackgroundService
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);
    private static readonly TimeSpan Period = TimeSpan.FromHours(1);

    /// <summary>Deletes the rows older than the retention; returns how many went.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = (time.GetUtcNow() - Retention).ToUnixTimeSeconds();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.UserRequestCosts.Where(c => c.CreatedTime < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            try
            {
                var deleted = await PurgeAsync(stoppingToken);
                LogPurged(logger, deleted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Debug, Message = "purged {Count} request costs older than seven days")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 311, Level = LogLevel.Error, Message = "purging request costs failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
