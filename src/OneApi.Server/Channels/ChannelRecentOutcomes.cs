using System.Collections.Concurrent;

namespace OneApi.Server.Channels;

/// <summary>
/// The outcome of each channel's last calls (on every node when they share them through Redis), kept whether or not
/// <c>ENABLE_METRIC</c> is on, for the console's channel status page. Only counts, bounded per channel; lost on restart.
/// </summary>
public sealed class ChannelRecentOutcomes
{
    public const int Window = 100;
    private readonly ConcurrentDictionary<int, Ring> _rings = new();

    public void Add(int channelId, bool success)
    {
        var ring = _rings.GetOrAdd(channelId, _ => new Ring());
        lock (ring)
        {
            ring.Add(success);
        }
    }

    /// <summary>(calls, successes) among the channel's last <see cref="Window"/> calls.</summary>
    public (int Calls, int Successes) Of(int channelId)
    {
        if (!_rings.TryGetValue(channelId, out var ring))
        {
            return (0, 0);
        }
        lock (ring)
        {
            return (ring.Count, ring.Successes);
        }
    }

    private sealed class Ring
    {
        private readonly bool[] _outcomes = new bool[Window];
        private int _next;

        public int Count { get; private set; }
        public int Successes { get; private set; }

        public void Add(bool success)
        {
            if (Count == Window && _outcomes[_next])
            {
                Successes--;
            }
            _outcomes[_next] = success;
            if (success)
            {
                Successes++;
            }
            _next = (_next + 1) % Window;
            Count = Math.Min(Count + 1, Window);
        }
    }
}
