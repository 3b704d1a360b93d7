namespace OneApi.Server.Observability;

/// <summary>
/// On SIGTERM, first reports not ready for <c>SHUTDOWN_DRAIN_SECONDS</c> while still serving, so a load balancer that
/// polls <c>/readyz</c> moves new traffic away before the server stops taking connections. The host runs every
/// <see cref="StoppingAsync"/> before it stops the web server.
/// </summary>
public sealed class Drain(TimeSpan delay, TimeProvider time) : IHostedLifecycleService
{
    private volatile bool _draining;

    public bool Draining => _draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        if (delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // the host's shutdown timeout ran out first
            }
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
