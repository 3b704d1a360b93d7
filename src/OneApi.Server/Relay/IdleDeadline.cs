using System.Diagnostics;

namespace OneApi.Server.Relay;

/// <summary>
/// A token cancelled once nothing arrived for a while. Each arrival only notes the time; the one timer, when it fires
/// early, waits again for what is left. (A <c>CancelAfter</c> per stream event moved a timer 90,000 times a second
/// at 9,000 streams.) <see cref="EndAfter"/> replaces the idle rule with a fixed wait.
/// </summary>
internal sealed class IdleDeadline : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private readonly long _idleTicks;
    private long _lastArrival = Stopwatch.GetTimestamp();
    private bool _ended;

    public IdleDeadline(TimeSpan idle)
    {
        _idleTicks = (long)(idle.TotalSeconds * Stopwatch.Frequency);
        _timer = TimeProvider.System.CreateTimer(static deadline => ((IdleDeadline)deadline!).Check(), this, idle, Timeout.InfiniteTimeSpan);
    }

    public CancellationToken Token => _cancel.Token;

    public void Arrived() => Volatile.Write(ref _lastArrival, Stopwatch.GetTimestamp());

    /// <summary>Cancels after <paramref name="wait"/> from now, whatever arrives meanwhile.</summary>
    public void EndAfter(TimeSpan wait)
    {
        lock (_gate)
        {
            _ended = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _cancel.CancelAfter(wait);
        }
    }

    private void Check()
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }
            var left = _idleTicks - (Stopwatch.GetTimestamp() - Volatile.Read(ref _lastArrival));
            if (left > 0)
            {
                _timer.Change(TimeSpan.FromSeconds((double)left / Stopwatch.Frequency), Timeout.InfiniteTimeSpan);
                return;
            }
            _ended = true;
            _cancel.Cancel();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _ended = true; // a check already under way must not touch the disposed source: a throwing timer callback ends the process
        }
        _timer.Dispose();
        _cancel.Dispose();
    }
}
