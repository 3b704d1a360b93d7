using System.Runtime.InteropServices;

namespace OneApi.Server.Hosting;

/// <summary>
/// Gives the garbage of start-up, or of a burst, back to the system once the node goes quiet. The GC sizes its youngest
/// generation from the CPU cache (tens to hundreds of MiB on virtual machines that report a large L3), and a node that
/// stops allocating triggers no collection: what the last burst left stays resident for as long as the node is idle.
/// As the JVM's <c>G1PeriodicGCInterval</c> does, a full compacting collection once allocation has paused returns it.
/// Under load allocation never pauses, so this never runs there.
/// </summary>
public sealed partial class IdleMemoryTrim(TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = new IdleTrimPolicy();
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (policy.ShouldCollect(GC.GetTotalAllocatedBytes()))
            {
                // Aggressive also decommits the freed regions.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                TrimNativeHeap();
                policy.Collected(GC.GetTotalAllocatedBytes(), GC.GetTotalMemory(forceFullCollection: false));
            }
        }
    }

    /// <summary>
    /// The JIT and the runtime allocate with malloc; glibc keeps what they free for later instead of returning it.
    /// musl (Alpine) has no malloc_trim and returns freed memory by itself.
    /// </summary>
    private static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // not glibc: nothing to ask
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}

/// <summary>
/// When a quiet node should collect: nothing much allocated in the last interval, and garbage since the last collection
/// of at least a quarter of the data that was live after it. A full collection costs in proportion to the live data and
/// gives back the garbage, so a node with a large live heap and a trickle of requests is not made to pause for little.
/// </summary>
public sealed class IdleTrimPolicy
{
    /// <summary>Below this per interval the node counts as quiet: timers, health probes and log flushes allocate a little.</summary>
    internal const long QuietBytes = 256 * 1024;

    /// <summary>Less garbage than this is not worth a full collection, however small the live heap.</summary>
    internal const long MinimumGarbageBytes = 1024 * 1024;

    private long _lastSeen;
    private long _lastCollected;
    private long _liveAfterCollection;

    /// <param name="allocatedBytes">The process's allocated bytes so far (<see cref="GC.GetTotalAllocatedBytes"/>), read once per interval.</param>
    public bool ShouldCollect(long allocatedBytes)
    {
        var quiet = allocatedBytes - _lastSeen < QuietBytes;
        _lastSeen = allocatedBytes;
        return quiet && allocatedBytes - _lastCollected >= Math.Max(MinimumGarbageBytes, _liveAfterCollection / 4);
    }

    /// <param name="allocatedBytes">Allocated bytes so far, read after the collection.</param>
    /// <param name="liveBytes">The heap's size right after the collection: what survived it.</param>
    public void Collected(long allocatedBytes, long liveBytes)
    {
        _lastCollected = allocatedBytes;
        _liveAfterCollection = liveBytes;
    }
}
