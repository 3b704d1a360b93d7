using OneApi.Server.Hosting;
using OneApi.Server.Relay;

namespace OneApi.Server.Tests.Relay;

public sealed class RelayCapacityTests
{
    [Fact]
    public void RelaysAreAdmitted_WhileConnectionsAndUpstreamSocketsLeaveTheReserve()
    {
        // 10 descriptors beyond the reserve: 5 open connections, each with a relay, fill them.
        var capacity = new RelayCapacity(RelayCapacity.DefaultReserve + 10);
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
        // 10 descriptors beyond the reserve, 4 client connections; a burst left 5 idle upstream sockets in the pool.
        var capacity = new RelayCapacity(RelayCapacity.DefaultReserve + 10);
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
    public void ConnectionsPastTheReserve_AreRefused()
    {
        var capacity = new RelayCapacity(RelayCapacity.DefaultReserve + 3);
        using var socket = capacity.UpstreamSocket();

        var connections = Enumerable.Range(0, 3).Select(_ => capacity.TryConnect()).ToList();

        Assert.Equal([true, true, false], connections.Select(c => c is not null));
        using var reusing = capacity.TryAdmit(); // the idle upstream socket serves it
        Assert.NotNull(reusing);
        Assert.Null(capacity.TryAdmit()); // a second socket would take a descriptor past the reserve
        connections[0]!.Dispose();
        Assert.NotNull(capacity.TryConnect());
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
