using OneApi.Server.Auth;
using OneApi.Server.Channels;
using OneApi.Server.Configuration;
using OneApi.Server.Options;
using StackExchange.Redis;

namespace OneApi.Server.Cluster;

/// <summary>Change signals over one Redis pub/sub channel, <c>&lt;prefix&gt;changes</c>; the message is <c>kind:node</c>.</summary>
public sealed partial class RedisSignals(IConnectionMultiplexer redis, RedisSettings settings, ILogger<RedisSignals> logger) : IClusterSignals
{
    /// <summary>This process, so a node can skip the reload it already did for its own change.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    public RedisChannel Channel { get; } = RedisChannel.Literal(settings.KeyPrefix + "changes");

    public async Task PublishAsync(ClusterChange change, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, Format(change, NodeId));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogPublishFailed(logger, change, e);
        }
    }

    public static string Format(ClusterChange change, string node) => change.ToString().ToLowerInvariant() + ":" + node;

    public static bool TryParse(string? message, out ClusterChange change, out string node)
    {
        var colon = message?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        node = colon < 0 ? "" : message![(colon + 1)..];
        return Enum.TryParse(colon < 0 ? message : message![..colon], ignoreCase: true, out change) && Enum.IsDefined(change);
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Warning, Message = "could not tell the other nodes about a {Change} change; they see it at their next sync")]
    private static partial void LogPublishFailed(ILogger logger, ClusterChange change, Exception exception);
}

/// <summary>Listens for other nodes' signals and reloads the matching snapshot or forgets cached relay keys.</summary>
public sealed partial class RedisSignalListener(IConnectionMultiplexer redis, RedisSignals signals, OptionStore options,
    RoutingTableStore routing, AccountCache accounts, ILogger<RedisSignalListener> logger) : IHostedService
{
    private ChannelMessageQueue? _queue;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _queue = await redis.GetSubscriber().SubscribeAsync(signals.Channel);
            // One message at a time, in order: two quick changes never reload out of order.
            _queue.OnMessage(message => HandleAsync(message.Message));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogSubscribeFailed(logger, e);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_queue is not null)
        {
            await _queue.UnsubscribeAsync();
        }
    }

    private async Task HandleAsync(RedisValue message)
    {
        if (!RedisSignals.TryParse(message, out var change, out var node) || node == signals.NodeId)
        {
            return;
        }
        try
        {
            switch (change)
            {
                case ClusterChange.Routing:
                    await routing.ReloadAsync(CancellationToken.None);
                    break;
                case ClusterChange.Options:
                    await options.ReloadAsync(CancellationToken.None);
                    break;
                case ClusterChange.Accounts:
                    accounts.Clear();
                    break;
            }
        }
        catch (Exception e)
        {
            LogReloadFailed(logger, change, e);
        }
    }

    [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "could not subscribe to change signals; changes from other nodes arrive at the next sync")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 902, Level = LogLevel.Error, Message = "reloading after another node's {Change} change failed")]
    private static partial void LogReloadFailed(ILogger logger, ClusterChange change, Exception exception);
}
