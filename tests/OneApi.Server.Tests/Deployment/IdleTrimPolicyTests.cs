using OneApi.Server.Hosting;

namespace OneApi.Server.Tests.Deployment;

public sealed class IdleTrimPolicyTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void StartUpThenQuiet_CollectsOnceAllocationPauses()
    {
        var policy = new IdleTrimPolicy();

        Assert.False(policy.ShouldCollect(40 * MiB)); // start-up still allocating
        Assert.True(policy.ShouldCollect(40 * MiB + 1024));
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
    public void QuietAfterCollection_DoesNotCollectAgainForLittleGarbage()
    {
        var policy = CollectedAt(10 * MiB, live: 0);

        Assert.False(policy.ShouldCollect(10 * MiB + 1024));
        Assert.False(policy.ShouldCollect(10 * MiB + IdleTrimPolicy.MinimumGarbageBytes - 1)); // a burst
        Assert.False(policy.ShouldCollect(10 * MiB + IdleTrimPolicy.MinimumGarbageBytes - 1)); // quiet again, too little to give back
    }

    [Fact]
    public void BurstThenQuiet_CollectsAgain()
    {
        var policy = CollectedAt(10 * MiB, live: 0);

        Assert.False(policy.ShouldCollect(20 * MiB));
        Assert.True(policy.ShouldCollect(20 * MiB));
    }

    [Fact]
    public void LargeLiveHeap_WaitsForAsMuchGarbage()
    {
        var policy = CollectedAt(10 * MiB, live: 200 * MiB);

        Assert.False(policy.ShouldCollect(40 * MiB));
        Assert.False(policy.ShouldCollect(40 * MiB)); // quiet, but 30 MiB of garbage against 200 live
        Assert.False(policy.ShouldCollect(60 * MiB));
        Assert.True(policy.ShouldCollect(60 * MiB));
    }

    private static IdleTrimPolicy CollectedAt(long allocated, long live)
    {
        var policy = new IdleTrimPolicy();
        Assert.False(policy.ShouldCollect(allocated));
        Assert.True(policy.ShouldCollect(allocated));
        policy.Collected(allocated, live);
        return policy;
    }
}
