using System.Collections.Concurrent;
using OneApi.Relay.Abstractions;
using OneApi.Server.Configuration;

namespace OneApi.Server.Channels;

/// <summary>
/// Benches a channel for a while after it answered 429, 5xx or an auth error, so the next requests go elsewhere
/// (<c>CHANNEL_SUSPEND_SECONDS_FOR_429</c>, <c>_5XX</c>, <c>_AUTH</c>). Kept in memory, so the hot path asks no one;
/// with Redis, each suspension is also announced to the other nodes (<see cref="Suspended"/>), which apply it too.
/// </summary>
public sealed class ChannelSuspensions(GatewaySettings settings, TimeProvider time)
{
    private readonly ConcurrentDictionary<int, DateTimeOffset> _until = new();

    /// <summary>Raised when this node benches a channel: the channel and until when.</summary>
    public event Action<int, DateTimeOffset>? Suspended;

    public bool IsSuspended(int channelId) =>
        _until.TryGetValue(channelId, out var until) && until > time.GetUtcNow();

    public void Record(int channelId, RelayError error)
    {
        var window = WindowFor(error);
        if (window <= TimeSpan.Zero)
        {
            return;
        }
        var until = time.GetUtcNow() + window;
        SuspendUntil(channelId, until);
        Suspended?.Invoke(channelId, until);
    }

    /// <summary>Benches a channel until <paramref name="until"/> (or longer, if it already is), as another node decided.</summary>
    public void SuspendUntil(int channelId, DateTimeOffset until) =>
        _until.AddOrUpdate(channelId, until, (_, current) => current > until ? current : until);

    private TimeSpan WindowFor(RelayError error) => error.StatusCode switch
    {
        429 => settings.SuspendFor429,
        401 or 403 => settings.SuspendForAuth,
        >= 500 when error.IsUpstreamFailure => settings.SuspendFor5xx,
        _ => TimeSpan.Zero,
    };
}
