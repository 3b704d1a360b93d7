using OneApi.Server.Channels;
using OneApi.Server.Configuration;
using OneApi.Server.Options;

namespace OneApi.Server.Background;

/// <summary>Reloads the option and routing snapshots every <c>SYNC_FREQUENCY</c>, so changes made by other nodes arrive here too.</summary>
public sealed partial class SnapshotRefresher(OptionStore options, RoutingTableStore routing, GatewaySettings settings,
    TimeProvider time, ILogger<SnapshotRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.SyncFrequency, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await options.ReloadAsync(stoppingToken);
                await routing.ReloadAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Error, Message = "reloading options and channels failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
