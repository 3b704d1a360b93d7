using System.Collections.Concurrent;
using OneApi.Server.Configuration;

namespace OneApi.Server.Channels;

/// <summary>
/// one-api's <c>ENABLE_METRIC</c>: the outcome of each channel's last <c>METRIC_QUEUE_SIZE</c> calls; once that window
/// is full and fewer than <c>METRIC_SUCCESS_RATE_THRESHOLD</c> of them succeeded, the channel should be disabled.
/// With Redis the window holds the calls of every node (<see cref="Cluster.RedisChannelHealth"/>).
/// </summary>
public sealed class ChannelSuccessMonitor(GatewaySettings settings, ChannelRecentOutcomes recent)
{
    private readonly ConcurrentDictionary<int, Window> _windows = new();

    public bool Enabled => settings.Metric is not null;

    /// <summary>An outcome of a call made by this node, for the other nodes (raised on the relay's thread).</summary>
    public event Action<int, bool>? Recorded;

    /// <summary>Records the outcome of a call made by this node; true when the channel has just fallen below the threshold.</summary>
    public bool Record(int channelId, bool success)
    {
        Recorded?.Invoke(channelId, success);
        return Count(channelId, success);
    }

    /// <summary>
    /// Counts another node's outcome in this node's windows. That node decides on its own disable: with the windows
    /// shared, both see the same calls, and a second disable of the same channel changes nothing.
    /// </summary>
    public void RecordElsewhere(int channelId, bool success) => Count(channelId, success);

    private bool Count(int channelId, bool success)
    {
        recent.Add(channelId, success);
        if (settings.Metric is not { } metric)
        {
            return false;
        }
        var window = _windows.GetOrAdd(channelId, _ => new Window(metric.QueueSize));
        lock (window)
        {
            window.Add(success);
            if (!window.IsFull || window.SuccessRate >= metric.SuccessRateThreshold)
            {
                return false;
            }
            window.Reset(); // one disable per full window of failures, not one per failure after it
            return true;
        }
    }

    private sealed class Window(int size)
    {
        private readonly bool[] _outcomes = new bool[size];
        private int _count;
        private int _next;

        public bool IsFull => _count == _outcomes.Length;

        public double SuccessRate => _outcomes.Take(_count).Count(o => o) / (double)_count;

        public void Add(bool success)
        {
            _outcomes[_next] = success;
            _next = (_next + 1) % _outcomes.Length;
            _count = Math.Min(_count + 1, _outcomes.Length);
        }

        public void Reset() => (_count, _next) = (0, 0);
    }
}
