using OneApi.Server.Relay;

namespace OneApi.Server.Tests.Relay;

public sealed class BodyMemoryBudgetTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task BodiesThatDoNotFit_WaitInOrder_UntilBytesAreReleased()
    {
        var budget = new BodyMemoryBudget(100);
        Assert.True(await budget.TryAcquireAsync(60, Patience, CancellationToken.None));

        var second = budget.TryAcquireAsync(50, Patience, CancellationToken.None).AsTask();
        var third = budget.TryAcquireAsync(10, Patience, CancellationToken.None).AsTask();
        await Task.Delay(50);

        // 10 would fit now, but it came after 50: first come, first served.
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);
        budget.Release(60);
        Assert.True(await second);
        Assert.True(await third);
        Assert.Equal(60, budget.InUse);
    }

    [Fact]
    public async Task ABodyLargerThanTheBudget_IsLetInAlone()
    {
        var budget = new BodyMemoryBudget(100);
        Assert.True(await budget.TryAcquireAsync(10, Patience, CancellationToken.None));

        var huge = budget.TryAcquireAsync(500, Patience, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(huge.IsCompleted);
        budget.Release(10);

        Assert.True(await huge);
        Assert.Equal(500, budget.InUse);
    }

    [Fact]
    public async Task AWaitThatRunsOutOfPatience_IsRefused_AndLetsTheNextIn()
    {
        var budget = new BodyMemoryBudget(100);
        Assert.True(await budget.TryAcquireAsync(90, Patience, CancellationToken.None));
        var behind = budget.TryAcquireAsync(5, Patience, CancellationToken.None).AsTask();

        Assert.False(await budget.TryAcquireAsync(50, TimeSpan.FromMilliseconds(50), CancellationToken.None));

        // The 5 queued behind the refused 50 fits and is granted once the 50 leaves the queue.
        Assert.True(await behind.WaitAsync(Patience));
        Assert.Equal(95, budget.InUse);
    }

    [Fact]
    public async Task AClientThatLeavesWhileWaiting_TakesNothing()
    {
        var budget = new BodyMemoryBudget(100);
        Assert.True(await budget.TryAcquireAsync(100, Patience, CancellationToken.None));
        using var leaving = new CancellationTokenSource();

        var waiting = budget.TryAcquireAsync(40, Patience, leaving.Token).AsTask();
        await leaving.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        budget.Release(100);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task ManyRequestBodies_NeverHoldMoreThanTheBudget()
    {
        var budget = new BodyMemoryBudget(1_000);
        var held = 0L;
        var peak = 0L;
        var gate = new Lock();

        await Parallel.ForAsync(0, 200, async (i, ct) =>
        {
            var bytes = 100 + (i % 7) * 50;
            Assert.True(await budget.TryAcquireAsync(bytes, Patience, ct));
            lock (gate)
            {
                held += bytes;
                peak = Math.Max(peak, held);
            }
            await Task.Yield();
            lock (gate)
            {
                held -= bytes;
            }
            budget.Release(bytes);
        });

        Assert.InRange(peak, 100, 1_000);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task ABodyLetGoAfterAFailure_StillGivesItsShareBack()
    {
        var budget = new BodyMemoryBudget(1_000);
        var body = new RequestBody(budget);
        Assert.True(await body.ReserveAsync(600, CancellationToken.None));
        Assert.Equal(1024, budget.InUse);

        body.Abandon();

        Assert.Equal(0, budget.InUse);
        Assert.True(body.Memory.IsEmpty);
    }

    [Fact]
    public async Task ABody_CountsTheBufferItHolds_NotOnlyItsLength()
    {
        var budget = new BodyMemoryBudget(2_000);
        using var first = new RequestBody(budget);
        using var second = new RequestBody(budget);
        Assert.True(await first.ReserveAsync(600, CancellationToken.None));

        var waiting = second.ReserveAsync(600, CancellationToken.None).AsTask();
        await Task.Delay(50);

        // 600 bytes take a 1,024-byte buffer: two of them would hold 2,048, past the budget
        Assert.Equal((false, 1024L), (waiting.IsCompleted, budget.InUse));
        first.Dispose();
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1024, budget.InUse);
    }
}
