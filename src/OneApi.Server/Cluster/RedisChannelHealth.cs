using System.Globalization;
using OneApi.Server.Channels;
using OneApi.Server.Configuration;
using StackExchange.Redis;

namespace OneApi.Server.Cluster;

/// <summary>
/// Shares what nodes learn about channels over two Redis channels, so that every node judges a channel by all its calls:
/// <list type="bullet">
/// <item><c>&lt;prefix&gt;suspensions</c>: a channel benched for 429, 5xx or auth errors on one node is passed over by
/// all, until the same moment (<c>channel:until-unix-ms:node</c>);</item>
/// <item><c>&lt;prefix&gt;outcomes</c>: each relayed call's outcome (<c>channel:1|0:node</c>) counts in every node's
/// success-rate window (<c>ENABLE_METRIC</c>) and status-page figures, so failures spread over the nodes still add up
/// to a disable.</item>
/// </list>
/// Best effort: a lost message only means that node finds out for itself.
/// </summary>
public sealed partial class RedisChannelHealth(IConnectionMultiplexer redis, RedisSettings settings, RedisSignals signals,
    ChannelSuspensions suspensions, ChannelSuccessMonitor monitor, ILogger<RedisChannelHealth> logger) : IHostedService
{
    private readonly RedisChannel _suspensions = RedisChannel.Literal(settings.KeyPrefix + "suspensions");
    private readonly RedisChannel _outcomes = RedisChannel.Literal(settings.KeyPrefix + "outcomes");
    private readonly List<ChannelMessageQueue> _queues = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        suspensions.Suspended += AnnounceSuspension;
        monitor.Recorded += AnnounceOutcome;
        try
        {
            await SubscribeAsync(_suspensions, ApplySuspension);
            await SubscribeAsync(_outcomes, ApplyOutcome);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogSubscribeFailed(logger, e);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        suspensions.Suspended -= AnnounceSuspension;
        monitor.Recorded -= AnnounceOutcome;
        foreach (var queue in _queues)
        {
            await queue.UnsubscribeAsync();
        }
    }

    private async Task SubscribeAsync(RedisChannel channel, Action<int, string> apply)
    {
        var queue = await redis.GetSubscriber().SubscribeAsync(channel);
        _queues.Add(queue);
        queue.OnMessage(message =>
        {
            // channel:value:node, from another node
            if (((string?)message.Message)?.Split(':') is [var id, var value, var node] && node != signals.NodeId
                && int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var channelId))
            {
                apply(channelId, value);
            }
        });
    }

    // Fire and forget: the relay that learned it does not wait for Redis.
    private void Announce(RedisChannel channel, int channelId, string value) =>
        redis.GetSubscriber().Publish(channel, string.Create(CultureInfo.InvariantCulture, $"{channelId}:{value}:{signals.NodeId}"),
            CommandFlags.FireAndForget);

    private void AnnounceSuspension(int channelId, DateTimeOffset until) =>
        Announce(_suspensions, channelId, until.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    private void AnnounceOutcome(int channelId, bool success) => Announce(_outcomes, channelId, success ? "1" : "0");

    private void ApplySuspension(int channelId, string untilMs)
    {
        if (long.TryParse(untilMs, NumberStyles.None, CultureInfo.InvariantCulture, out var until))
        {
            suspensions.SuspendUntil(channelId, DateTimeOffset.FromUnixTimeMilliseconds(until));
        }
    }

    private void ApplyOutcome(int channelId, string success)
    {
        if (success is "0" or "1")
        {
            monitor.RecordElsewhere(channelId, success == "1");
        }
    }

    [LoggerMessage(EventId = 904, Level = LogLevel.Warning, Message = "could not subscribe to channel suspensions and outcomes; each node judges channels on its own")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
