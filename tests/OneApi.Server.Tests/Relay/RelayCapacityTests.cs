using OneApi.Server.Hosting;
using OneApi.Server.Relay;

namespace OneApi.Server.Tests.Relay;

public sealed class RelayCapacityTests
{
    [Fact]
    public void RelaysAreAdmitted_WhileConnectionsAndUpstreamSocketsLeaveTheReserve()
    {
        // 10 descriptors beyond the reserve: 5 open connections, each with a relay, fill them.
        var capacity = new RelayCapacity(RelayCapacity.Reserve + 10);
        var connections = Enumerable.Range(0, 6).Select(_ => capacity.Connection()).ToList();

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
