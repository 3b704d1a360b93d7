namespace OneApi.Server.Relay;

/// <summary>
/// Sheds relay requests before the process runs out of file descriptors. Every open client connection holds one and
/// every open upstream socket one more, in use or idle in the pool; a connection is accepted, and a relay admitted, only
/// while both together leave <see cref="Reserve"/> free. One refused gets a clear 503 instead of the reset or the 502 "TooManyOpenSockets" it
/// would meet once the limit is reached mid-way, and the runtime never finds itself without a descriptor: at that
/// point .NET aborts the whole process ("Out of memory.") when it fails to open one of its own files.
/// </summary>
public sealed class RelayCapacity
{
    /// <summary>The reserve until the descriptors open at start have been counted.</summary>
    public const int DefaultReserve = 256;

    /// <summary>Kept beyond what is open at start: database and log files, assemblies loaded later, Redis.</summary>
    public const int Margin = 128;

    private readonly long _descriptors;
    private long _reserve = DefaultReserve;
    private long _connections;
    private long _admitted;
    private long _upstreamSockets;

    /// <param name="descriptors">The open-file limit, or null when there is none to respect.</param>
    public RelayCapacity(long? descriptors) => _descriptors = descriptors is > 0 ? descriptors.Value : long.MaxValue;

    /// <summary>Descriptors kept for everything but client connections and upstream sockets.</summary>
    /// <remarks>The runtime holds one open per loaded assembly: about 250 for this server.</remarks>
    public long Reserve => Interlocked.Read(ref _reserve);

    /// <summary>The most relays that could be in flight with no other connection open.</summary>
    public long Ceiling => _descriptors == long.MaxValue ? long.MaxValue : Math.Max(0, (_descriptors - Reserve) / 2);

    /// <summary>Sets the reserve from the descriptors open now; called once the server has started.</summary>
    public void CountOpenAtStart()
    {
        if (OperatingSystem.IsLinux())
        {
            Interlocked.Exchange(ref _reserve, Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount() + Margin);
        }
    }

    /// <summary>
    /// Counts a client connection for as long as it is open (Kestrel's connection middleware calls this), or null when
    /// it would leave less than the reserve: the connection is then closed at once.
    /// </summary>
    public IDisposable? TryConnect()
    {
        var connections = Interlocked.Increment(ref _connections);
        if (connections + Interlocked.Read(ref _upstreamSockets) + Reserve <= _descriptors)
        {
            return new Release(() => Interlocked.Decrement(ref _connections));
        }
        Interlocked.Decrement(ref _connections);
        return null;
    }

    /// <summary>Counts an upstream socket for as long as it is open (the upstream client's connect callback calls this).</summary>
    public IDisposable UpstreamSocket()
    {
        Interlocked.Increment(ref _upstreamSockets);
        return new Release(() => Interlocked.Decrement(ref _upstreamSockets));
    }

    /// <summary>A slot for one relay, or null when its upstream socket would leave less than <see cref="Reserve"/> descriptors.</summary>
    /// <remarks>
    /// The pool hands idle sockets to new relays before it opens more, so the upstream side will hold about the larger
    /// of the sockets open now (idle ones included) and the relays in flight, not their sum.
    /// </remarks>
    public IDisposable? TryAdmit()
    {
        var admitted = Interlocked.Increment(ref _admitted);
        var upstream = Math.Max(admitted, Interlocked.Read(ref _upstreamSockets));
        if (upstream + Interlocked.Read(ref _connections) + Reserve <= _descriptors)
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
