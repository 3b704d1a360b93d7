namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// One gateway per database kind and one fake upstream, shared by a test class; started on first use.
/// Tests stay independent by giving each its own group, user, token and channel.
/// </summary>
public class GatewayPool : IAsyncLifetime
{
    private readonly Dictionary<string, Task<TestGateway>> _gateways = new();
    private readonly object _lock = new();

    public FakeOpenAIUpstream Upstream { get; private set; } = null!;

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public Task<TestGateway> GetAsync(string database)
    {
        lock (_lock)
        {
            if (!_gateways.TryGetValue(database, out var gateway))
            {
                gateway = TestGateway.StartAsync(database, Settings);
                _gateways[database] = gateway;
            }
            return gateway;
        }
    }

    public async Task InitializeAsync() => Upstream = await FakeOpenAIUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways.Values)
        {
            await (await gateway).DisposeAsync();
        }
        await Upstream.DisposeAsync();
    }
}
