using System.Globalization;
using OneApi.Server.Channels;
using OneApi.Server.Configuration;
using StackExchange.Redis;

namespace OneApi.Server.Cluster;

/// <summary>
/// Shares channel suspensions between nodes over the Redis channel <c>&lt;prefix&gt;suspensions</c>: a channel benched
/// for 429, 5xx or auth errors on one node is passed over by all, until the same moment. Messages are
/// <c>channel:until-unix-ms:node</c>; a lost message only means that node finds out for itself.
/// </summary>
public sealed partial class RedisSuspensions(IConnectionMultiplexer redis, RedisSettings settings, RedisSignals signals,
    ChannelSuspensions suspensions, ILogger<RedisSuspensions> logger) : IHostedService
{
    private readonly RedisChannel _channel = RedisChannel.Literal(settings.KeyPrefix + "suspensions");
    private ChannelMessageQueue? _queue;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        suspensions.Suspended += Announce;
        try
        {
            _queue = await redis.GetSubscriber().SubscribeAsync(_channel);
            _queue.OnMessage(message => Apply(message.Message));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogSubscribeFailed(logger, e);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        suspensions.Suspended -= Announce;
        if (_queue is not null)
        {
            await _queue.UnsubscribeAsync();
        }
    }

    private void Announce(int channelId, DateTimeOffset until)
    {
        var message = string.Create(CultureInfo.InvariantCulture, $"{channelId}:{until.ToUnixTimeMilliseconds()}:{signals.NodeId}");
        // Fire and forget: the relay that benched the channel does not wait for Redis.
        redis.GetSubscriber().Publish(_channel, message, CommandFlags.FireAndForget);
    }

    private void Apply(RedisValue message)
    {
        var parts = ((string?)message)?.Split(':');
        if (parts is not [var channel, var until, var node] || node == signals.NodeId
            || !int.TryParse(channel, NumberStyles.None, CultureInfo.InvariantCulture, out var channelId)
            || !long.TryParse(until, NumberStyles.None, CultureInfo.InvariantCulture, out var untilMs))
        {
            return;
        }
        suspensions.SuspendUntil(channelId, DateTimeOffset.FromUnixTimeMilliseconds(untilMs));
    }

    [LoggerMessage(EventId = 903, Level = LogLevel.Warning, Message = "could not subscribe to channel suspensions; each node benches failing channels on its own")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
