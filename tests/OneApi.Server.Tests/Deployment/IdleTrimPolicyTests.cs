using OneApi.Server.Hosting;

namespace OneApi.Server.Tests.Deployment;

public sealed class IdleTrimPolicyTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void StartUpThenQuiet_CollectsOnceWhenAllocationPauses()
    {
        var policy = new IdleTrimPolicy();

        Assert.False(policy.ShouldCollect(40 * MiB)); // start-up still allocating
        Assert.True(policy.ShouldCollect(40 * MiB + 1024));
        Assert.False(policy.ShouldCollect(40 * MiB + 2048)); // nothing new to give back
    }

    [Fact]
    public void SteadyLoad_NeverCollects()
    {
        var policy = new IdleTrimPolicy();
        var allocated = 0L;
        for (var tick = 0; tick < 100; tick++)
        {
            allocated += IdleTrimPolicy.QuietBytes; // the slowest allocation that still counts as busy
            Assert.False(policy.ShouldCollect(allocated));
        }
    }

    [Fact]
    public void QuietAfterLittleAllocation_DoesNotCollect()
    {
        var policy = CollectedAt(IdleTrimPolicy.WorthBytes);
        Assert.False(policy.ShouldCollect(IdleTrimPolicy.WorthBytes + IdleTrimPolicy.QuietBytes / 2));
        Assert.False(policy.ShouldCollect(2 * IdleTrimPolicy.WorthBytes - 1)); // a burst, smaller than is worth a collection
        Assert.False(policy.ShouldCollect(2 * IdleTrimPolicy.WorthBytes - 1));
    }

    [Fact]
    public void BurstThenQuiet_CollectsAgain()
    {
        var policy = CollectedAt(IdleTrimPolicy.WorthBytes);
        var afterBurst = 3 * IdleTrimPolicy.WorthBytes;
        Assert.False(policy.ShouldCollect(afterBurst));
        Assert.True(policy.ShouldCollect(afterBurst));
    }

    private static IdleTrimPolicy CollectedAt(long allocated)
    {
        var policy = new IdleTrimPolicy();
        Assert.False(policy.ShouldCollect(allocated));
        Assert.True(policy.ShouldCollect(allocated));
        return policy;
    }
}
