using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Inbound;

/// <summary>A gateway with the fake upstreams the inbound-API tests route to.</summary>
public sealed class ClientApiPool : IAsyncLifetime
{
    public TestGateway Gateway { get; private set; } = null!;
    public FakeAnthropicUpstream Anthropic { get; private set; } = null!;
    public FakeResponsesUpstream Responses { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Anthropic = await FakeAnthropicUpstream.StartAsync();
        Responses = await FakeResponsesUpstream.StartAsync();
        Gateway = await TestGateway.StartAsync("sqlite");
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Anthropic.DisposeAsync();
        await Responses.DisposeAsync();
    }

    /// <summary>A new account whose group has one channel of <paramref name="type"/> for the model.</summary>
    public async Task<TestAccount> AccountAsync(string model, int type, FakeUpstreamHost upstream, string scenario)
    {
        var account = await Gateway.CreateAccountAsync();
        await Gateway.CreateChannelAsync(account.Group, model, upstream.BaseUrl(account.Group, scenario), type);
        return account;
    }
}
