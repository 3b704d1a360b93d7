using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Channels;

namespace OneApi.Server.Background;

/// <summary>Tests every channel each <c>CHANNEL_TEST_FREQUENCY</c> minutes when that is set; the test logs go to root.</summary>
public sealed partial class ChannelTestSchedule(
    ChannelTestSettings settings,
    ChannelTestBatch batch,
    IDbContextFactory<OneApiDbContext> databases,
    TimeProvider time,
    ILogger<ChannelTestSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Frequency is not { } period)
        {
            return;
        }
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var db = await databases.CreateDbContextAsync(stoppingToken);
                var root = await db.Users.Where(u => u.Role == UserRole.Root).OrderBy(u => u.Id).Select(u => u.Id).FirstOrDefaultAsync(stoppingToken);
                if (!batch.TryStart(disabledOnly: false, root, notifyRoot: false))
                {
                    LogSkipped(logger);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 320, Level = LogLevel.Information, Message = "scheduled channel test skipped: a test is still running")]
    private static partial void LogSkipped(ILogger logger);

    [LoggerMessage(EventId = 321, Level = LogLevel.Error, Message = "scheduled channel test failed to start")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
