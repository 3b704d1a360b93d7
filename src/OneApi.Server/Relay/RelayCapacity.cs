namespace OneApi.Server.Relay;

/// <summary>
/// Sheds relay requests before the process runs out of file descriptors. Every open client connection holds one and
/// every relay in flight one more for its upstream socket; a relay is admitted only while both together leave
/// <see cref="Reserve"/> free. One refused gets a clear 503 instead of the reset or the 502 "TooManyOpenSockets" it
/// would meet once the limit is reached mid-way.
/// </summary>
public sealed class RelayCapacity
{
    /// <summary>Descriptors kept for everything else: the database, Redis, logs, idle pooled upstream connections, the runtime.</summary>
    public const int Reserve = 256;

    private readonly long _descriptors;
    private long _connections;
    private long _admitted;

    /// <param name="descriptors">The open-file limit, or null when there is none to respect.</param>
    public RelayCapacity(long? descriptors) => _descriptors = descriptors is > 0 ? descriptors.Value : long.MaxValue;

    /// <summary>The most relays that could be in flight with no other connection open.</summary>
    public long Ceiling => _descriptors == long.MaxValue ? long.MaxValue : Math.Max(0, (_descriptors - Reserve) / 2);

    /// <summary>Counts a client connection for as long as it is open (Kestrel's connection middleware calls this).</summary>
    public IDisposable Connection()
    {
        Interlocked.Increment(ref _connections);
        return new Release(() => Interlocked.Decrement(ref _connections));
    }

    /// <summary>A slot for one relay, or null when its upstream socket would leave less than <see cref="Reserve"/> descriptors.</summary>
    public IDisposable? TryAdmit()
    {
        var admitted = Interlocked.Increment(ref _admitted);
        if (admitted + Interlocked.Read(ref _connections) + Reserve <= _descriptors)
        {
            return new Release(() => Interlocked.Decrement(ref _admitted));
        }
        Interlocked.Decrement(ref _admitted);
        return null;
    }

    private sealed class Release(Action release) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                release();
            }
        }
    }
}
