namespace OneApi.Server.Relay;

/// <summary>
/// Sheds relay requests before the process runs out of file descriptors. Every open client connection holds one and
/// every open upstream socket one more, in use or idle in the pool. A connection is accepted only while both together
/// leave <see cref="Reserve"/> free (else it waits in the listen backlog, see <see cref="DescriptorGatedTransport"/>),
/// and a relay is admitted only while they leave <see cref="RefusalRoom"/> more: the clients it cannot carry are still
/// accepted and answered a clear 503, instead of the reset or the 502 "TooManyOpenSockets" they would meet at the
/// limit. The runtime never finds itself without a descriptor either: .NET aborts the whole process ("Out of memory.")
/// when it fails to open one of its own files.
/// </summary>
public sealed class RelayCapacity
{
    /// <summary>The reserve until the descriptors open at start have been counted.</summary>
    public const int DefaultReserve = 256;

    /// <summary>Kept beyond what is open at start: database and log files, assemblies loaded later, Redis.</summary>
    public const int Margin = 128;

    /// <summary>
    /// Descriptors relays leave to connections they will not carry, so those are accepted and refused with a 503.
    /// Each holds one only for the moment its refusal takes; more of them wait in the backlog meanwhile.
    /// </summary>
    public const int RefusalRoom = 64;

    private readonly long _descriptors;
    private long _reserve = DefaultReserve;
    private long _connections;
    private long _admitted;
    private long _upstreamSockets;
    private int _waitingToConnect;
    private TaskCompletionSource _freed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="descriptors">The open-file limit, or null when there is none to respect.</param>
    public RelayCapacity(long? descriptors) => _descriptors = descriptors is > 0 ? descriptors.Value : long.MaxValue;

    /// <summary>Descriptors kept for everything but client connections and upstream sockets.</summary>
    /// <remarks>The runtime holds one open per loaded assembly: about 250 for this server.</remarks>
    public long Reserve => Interlocked.Read(ref _reserve);

    /// <summary>The most relays that could be in flight with no other connection open.</summary>
    public long Ceiling => _descriptors == long.MaxValue ? long.MaxValue : Math.Max(0, (_descriptors - Reserve - RefusalRoom) / 2);

    /// <summary>Sets the reserve from the descriptors open now; called once the server has started.</summary>
    public void CountOpenAtStart()
    {
        if (OperatingSystem.IsLinux())
        {
            Interlocked.Exchange(ref _reserve, Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount() + Margin);
        }
    }

    /// <summary>
    /// Whether a client connection may stay open for its next request: not once fewer than an eighth of the descriptors
    /// for connections and sockets are free, as an idle keep-alive connection would hold one that a client waiting in
    /// the backlog needs (its request already sent, it waits for an answer until it times out).
    /// </summary>
    public bool KeepsConnectionsAlive
    {
        get
        {
            if (_descriptors == long.MaxValue)
            {
                return true;
            }
            var room = _descriptors - Reserve;
            return room - Interlocked.Read(ref _connections) - InUpstream() >= room / 8;
        }
    }

    /// <summary>Counts a client connection for as long as it is open, or null when it would leave less than the reserve.</summary>
    public IDisposable? TryConnect()
    {
        var connections = Interlocked.Increment(ref _connections);
        if (connections + InUpstream() + Reserve <= _descriptors)
        {
            return new Release(this, () => Interlocked.Decrement(ref _connections));
        }
        Interlocked.Decrement(ref _connections);
        return null;
    }

    /// <summary><see cref="TryConnect"/>, waiting for a connection, relay or upstream socket to close when there is no room.</summary>
    public async ValueTask<IDisposable> ConnectAsync(CancellationToken cancellationToken)
    {
        // counted as waiting before the first try, so a release between the try and the wait still wakes it
        Interlocked.Increment(ref _waitingToConnect);
        try
        {
            while (true)
            {
                var freed = Volatile.Read(ref _freed).Task;
                if (TryConnect() is { } connection)
                {
                    return connection;
                }
                await freed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waitingToConnect);
        }
    }

    /// <summary>Counts an upstream socket for as long as it is open (the upstream client's connect callback calls this).</summary>
    public IDisposable UpstreamSocket()
    {
        Interlocked.Increment(ref _upstreamSockets);
        return new Release(this, () => Interlocked.Decrement(ref _upstreamSockets));
    }

    /// <summary>
    /// A slot for one relay, or null when its upstream socket would leave less than <see cref="Reserve"/> and
    /// <see cref="RefusalRoom"/> descriptors.
    /// </summary>
    /// <remarks>
    /// The pool hands idle sockets to new relays before it opens more, so the upstream side will hold about the larger
    /// of the sockets open now (idle ones included) and the relays in flight, not their sum.
    /// </remarks>
    public IDisposable? TryAdmit()
    {
        var admitted = Interlocked.Increment(ref _admitted);
        var upstream = Math.Max(admitted, Interlocked.Read(ref _upstreamSockets));
        if (upstream + Interlocked.Read(ref _connections) + Reserve + RefusalRoom <= _descriptors)
        {
            return new Release(this, () => Interlocked.Decrement(ref _admitted));
        }
        Interlocked.Decrement(ref _admitted);
        return null;
    }

    /// <summary>The upstream sockets open now or soon: relays admitted and not connected yet will open one.</summary>
    private long InUpstream() => Math.Max(Interlocked.Read(ref _admitted), Interlocked.Read(ref _upstreamSockets));

    private void Freed()
    {
        if (Volatile.Read(ref _waitingToConnect) > 0)
        {
            Interlocked.Exchange(ref _freed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private sealed class Release(RelayCapacity capacity, Action release) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                release();
                capacity.Freed();
            }
        }
    }
}
