using OneApi.Server.Hosting;
using OneApi.Server.Relay;

namespace OneApi.Server.Tests.Relay;

public sealed class RelayCapacityTests
{
    /// <summary>The descriptors relays may take before <paramref name="free"/> more are left.</summary>
    private static long Beyond(long free) => RelayCapacity.DefaultReserve + RelayCapacity.RefusalRoom + free;

    [Fact]
    public void RelaysAreAdmitted_WhileConnectionsAndUpstreamSocketsLeaveTheReserveAndTheRoomToRefuse()
    {
        // 10 descriptors beyond the reserve and the refusal room: 5 open connections, each with a relay, fill them.
        var capacity = new RelayCapacity(Beyond(10));
        var connections = Enumerable.Range(0, 6).Select(_ => capacity.TryConnect()!).ToList();

        var slots = Enumerable.Range(0, 5).Select(_ => capacity.TryAdmit()).ToList();

        Assert.Equal([true, true, true, true, false], slots.Select(s => s is not null));
        connections[5].Dispose(); // a client went away
        using var freed = capacity.TryAdmit();
        Assert.NotNull(freed);
        Assert.Null(capacity.TryAdmit());
        slots[0]!.Dispose();
        slots[0]!.Dispose(); // twice is once
        using var again = capacity.TryAdmit();
        Assert.NotNull(again);
        Assert.Null(capacity.TryAdmit());
    }

    [Fact]
    public void IdlePooledUpstreamSockets_HoldDescriptorsToo()
    {
        // 10 descriptors beyond the reserve and the refusal room, 4 client connections; a burst left 5 idle upstream sockets in the pool.
        var capacity = new RelayCapacity(Beyond(10));
        var connections = Enumerable.Range(0, 4).Select(_ => capacity.TryConnect()!).ToList();
        var idle = Enumerable.Range(0, 5).Select(_ => capacity.UpstreamSocket()).ToList();

        // relays reuse the idle sockets first: 4 + 5 + 1 new socket fills the 10
        var slots = Enumerable.Range(0, 7).Select(_ => capacity.TryAdmit()).ToList();

        Assert.Equal([true, true, true, true, true, true, false], slots.Select(s => s is not null));
        idle.ForEach(socket => socket.Dispose());
        Assert.Null(capacity.TryAdmit()); // six relays in flight will hold six sockets
        connections[0].Dispose();
        Assert.NotNull(capacity.TryAdmit());
    }

    [Fact]
    public void ConnectionsPastTheReserve_AreRefused_AndRelaysLeaveRoomForConnectionsToRefuse()
    {
        var capacity = new RelayCapacity(RelayCapacity.DefaultReserve + 3);
        using var socket = capacity.UpstreamSocket();

        var connections = Enumerable.Range(0, 3).Select(_ => capacity.TryConnect()).ToList();

        Assert.Equal([true, true, false], connections.Select(c => c is not null));
        Assert.Null(capacity.TryAdmit()); // the connections may take the last descriptors, not relays
        connections[0]!.Dispose();
        Assert.NotNull(capacity.TryConnect());
    }

    [Fact]
    public void AdmittedRelays_KeepTheirUpstreamSocketFromNewConnections()
    {
        var capacity = new RelayCapacity(Beyond(4));
        var connections = Enumerable.Range(0, 2).Select(_ => capacity.TryConnect()!).ToList();
        var slots = Enumerable.Range(0, 2).Select(_ => capacity.TryAdmit()!).ToList();

        // 2 connections + 2 sockets to come: the refusal room is left for connections, each one more descriptor
        var refusable = Enumerable.Range(0, RelayCapacity.RefusalRoom + 1).Select(_ => capacity.TryConnect()).ToList();

        Assert.Equal(RelayCapacity.RefusalRoom, refusable.Count(c => c is not null));
        Assert.Null(refusable[^1]);
    }

    [Fact]
    public async Task AConnectionWithNoRoom_WaitsUntilOneCloses()
    {
        var capacity = new RelayCapacity(RelayCapacity.DefaultReserve + 2);
        var open = Enumerable.Range(0, 2).Select(_ => capacity.TryConnect()!).ToList();

        var waiting = capacity.ConnectAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        open[1].Dispose();

        using var connected = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Null(capacity.TryConnect());
    }

    [Fact]
    public async Task WaitingForRoom_EndsWhenCancelled()
    {
        var capacity = new RelayCapacity(RelayCapacity.DefaultReserve);
        using var cancel = new CancellationTokenSource(50);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => capacity.ConnectAsync(cancel.Token).AsTask());
    }

    [Fact]
    public void ConnectionsAreNotKeptAlive_OnceFewerThanAnEighthOfTheDescriptorsAreFree()
    {
        var capacity = new RelayCapacity(RelayCapacity.DefaultReserve + 80);
        var connections = Enumerable.Range(0, 35).Select(_ => capacity.TryConnect()!).ToList();
        using var socket = capacity.UpstreamSocket();

        Assert.True(capacity.KeepsConnectionsAlive); // 80 - 35 - 1: 44 free
        var busier = Enumerable.Range(0, 35).Select(_ => capacity.TryConnect()!).ToList();
        Assert.False(capacity.KeepsConnectionsAlive); // 9 free of 80
        busier.ForEach(connection => connection.Dispose());
        Assert.True(capacity.KeepsConnectionsAlive);
        Assert.True(new RelayCapacity(null).KeepsConnectionsAlive);
    }

    [Fact]
    public void ReserveCountedAtStart_CoversWhatTheProcessHasOpen()
    {
        var capacity = new RelayCapacity(100_000);
        var held = Enumerable.Range(0, 400).Select(_ => File.OpenHandle("/proc/self/status")).ToList();
        try
        {
            capacity.CountOpenAtStart();

            // other tests open and close sockets meanwhile: the count is checked within a band
            var open = Directory.GetFileSystemEntries("/proc/self/fd").Length;
            Assert.InRange(capacity.Reserve - RelayCapacity.Margin, open * 3 / 4, open * 4 / 3);
        }
        finally
        {
            held.ForEach(handle => handle.Dispose());
        }
    }

    [Fact]
    public void NoLimit_AdmitsEverything()
    {
        var capacity = new RelayCapacity(null);

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.NotNull(capacity.TryAdmit()));
        Assert.Equal(long.MaxValue, capacity.Ceiling);
    }

    [Fact]
    public void OpenFileLimit_IsRaisedToTheHardLimit()
    {
        var limit = OpenFileLimit.RaiseToHard();

        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(limit);
            return;
        }
        Assert.NotNull(limit);
        Assert.True(limit.Value.After >= limit.Value.Before);
        Assert.True(limit.Value.After >= 1024);
    }
}
