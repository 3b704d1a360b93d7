namespace OneApi.Server.Cluster;

/// <summary>What another node must reload after this one changed it.</summary>
public enum ClusterChange
{
    Routing,
    Options,
    Accounts,
}

/// <summary>
/// Tells the other nodes behind the load balancer that shared state changed, so they reload it now instead of at the
/// next <c>SYNC_FREQUENCY</c> tick. Best effort: a lost signal only delays the change until that tick.
/// </summary>
public interface IClusterSignals
{
    Task PublishAsync(ClusterChange change, CancellationToken cancellationToken = default);
}

/// <summary>A gateway without Redis is alone: there is nobody to tell.</summary>
public sealed class SingleNodeSignals : IClusterSignals
{
    public Task PublishAsync(ClusterChange change, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
