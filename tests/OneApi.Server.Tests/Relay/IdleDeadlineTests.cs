using OneApi.Server.Relay;

namespace OneApi.Server.Tests.Relay;

public sealed class IdleDeadlineTests
{
    [Fact]
    public async Task Arrivals_KeepItOpenPastTheIdleTime_AndQuietEndsIt()
    {
        using var deadline = new IdleDeadline(TimeSpan.FromSeconds(1));

        for (var i = 0; i < 30; i++) // 1.5 s of arrivals, 50 ms apart
        {
            await Task.Delay(50);
            deadline.Arrived();
        }

        Assert.False(deadline.Token.IsCancellationRequested);
        await WaitCancelledAsync(deadline.Token);
    }

    [Fact]
    public async Task EndAfter_EndsItWhateverArrives()
    {
        using var deadline = new IdleDeadline(TimeSpan.FromMinutes(5));

        deadline.EndAfter(TimeSpan.FromMilliseconds(200));
        deadline.Arrived();

        await WaitCancelledAsync(deadline.Token);
    }

    private static Task WaitCancelledAsync(CancellationToken token) =>
        Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10));
}
