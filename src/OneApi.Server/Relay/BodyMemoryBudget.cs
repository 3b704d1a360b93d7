using System.Buffers;

namespace OneApi.Server.Relay;

/// <summary>
/// Bounds the bytes of relay request bodies on their way in and up to the upstream (<c>BODY_MEMORY_MB</c>). A request
/// whose body does not fit waits, first come first served, before its body is read: the bytes stay in the socket
/// meanwhile, so 1,500 clients sending 150 KB prompts at once cost the budget, not 1,500 × 150 KB. One core relays only
/// so many bodies a second, so waiting costs no throughput. A body larger than the whole budget is let in alone.
/// </summary>
public sealed class BodyMemoryBudget(long capacityBytes)
{
    /// <summary>The pool's largest buffer: a longer body gets an array of its own length.</summary>
    private static int LargestPooled(long capacityBytes) => (int)Math.Min(Array.MaxLength, capacityBytes * 2);

    /// <summary>
    /// The bodies' buffers. The shared pool keeps a few dozen arrays a size on one CPU, so at a hundred 150 KB bodies
    /// in flight most would be new large-object-heap arrays, collected only by full collections. This pool keeps as
    /// many as the budget lets be in use at once (of a size), so a steady load allocates nothing; what a burst needed
    /// stays, at most the budget a size.
    /// </summary>
    public ArrayPool<byte> Buffers { get; } = ArrayPool<byte>.Create(
        maxArrayLength: LargestPooled(capacityBytes),
        maxArraysPerBucket: (int)Math.Clamp(capacityBytes / (64 * 1024), 16, 16_384));

    /// <summary>
    /// The bytes a buffer for <paramref name="bytes"/> takes, which is what the budget counts: the pool hands out
    /// powers of two, so 150 KB bodies took 256 KB each, and a budget of their lengths held 1.7 times its size.
    /// </summary>
    public long BufferSize(long bytes) =>
        bytes <= LargestPooled(capacityBytes) ? (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(bytes, 16)) : bytes;

    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _inUse;

    public long CapacityBytes => capacityBytes;

    /// <summary>Bytes granted now (for tests and metrics).</summary>
    public long InUse
    {
        get
        {
            lock (_gate)
            {
                return _inUse;
            }
        }
    }

    /// <summary>Waits up to <paramref name="patience"/> for <paramref name="bytes"/>; false when they never came.</summary>
    public async ValueTask<bool> TryAcquireAsync(long bytes, TimeSpan patience, CancellationToken cancellationToken)
    {
        LinkedListNode<Waiter> node;
        lock (_gate)
        {
            if (_waiters.Count == 0 && Fits(bytes))
            {
                _inUse += bytes;
                return true;
            }
            node = _waiters.AddLast(new Waiter(bytes));
        }
        try
        {
            await node.Value.Granted.Task.WaitAsync(patience, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            var grantedMeanwhile = false;
            lock (_gate)
            {
                if (node.List is not null)
                {
                    _waiters.Remove(node);
                    GrantWaiting(); // the next in line may fit now that this one left
                }
                else
                {
                    grantedMeanwhile = true;
                }
            }
            if (grantedMeanwhile)
            {
                Release(bytes);
            }
            if (e is OperationCanceledException)
            {
                throw;
            }
            return false;
        }
    }

    public void Release(long bytes)
    {
        lock (_gate)
        {
            _inUse -= bytes;
            GrantWaiting();
        }
    }

    private bool Fits(long bytes) => _inUse == 0 || _inUse + bytes <= capacityBytes;

    private void GrantWaiting()
    {
        while (_waiters.First is { } first && Fits(first.Value.Bytes))
        {
            _inUse += first.Value.Bytes;
            _waiters.RemoveFirst();
            first.Value.Granted.TrySetResult();
        }
    }

    private sealed record Waiter(long Bytes)
    {
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
