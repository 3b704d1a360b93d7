using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Inbound;

/// <summary>A gateway with the fake upstreams the inbound-API tests route to.</summary>
public sealed class ClientApiPool : IAsyncLifetime
{
    public TestGateway Gateway { get; private set; } = null!;
    public FakeAnthropicUpstream Anthropic { get; private set; } = null!;
    public FakeResponsesUpstream Responses { get; private set; } = null!;
    public FakeGeminiUpstream Gemini { get; private set; } = null!;
    public FakeOpenAIUpstream OpenAI { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Anthropic = await FakeAnthropicUpstream.StartAsync();
        Responses = await FakeResponsesUpstream.StartAsync();
        Gemini = await FakeGeminiUpstream.StartAsync();
        OpenAI = await FakeOpenAIUpstream.StartAsync();
        Gateway = await TestGateway.StartAsync("sqlite");
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Anthropic.DisposeAsync();
        await Responses.DisposeAsync();
        await Gemini.DisposeAsync();
        await OpenAI.DisposeAsync();
    }

    /// <summary>A new account whose group has one channel of <paramref name="type"/> for the model.</summary>
    public Task<TestAccount> AccountAsync(string model, int type, FakeUpstreamHost upstream, string scenario) =>
        AccountAsync(model, type, group => upstream.BaseUrl(group, scenario));

    /// <summary>The same, for an upstream addressed by <paramref name="baseUrl"/> of the account's group (its case id).</summary>
    public async Task<TestAccount> AccountAsync(string model, int type, Func<string, string> baseUrl, long userQuota = 1_000_000_000, long tokenQuota = 1_000_000_000)
    {
        var account = await Gateway.CreateAccountAsync(userQuota, tokenQuota);
        await Gateway.CreateChannelAsync(account.Group, model, baseUrl(account.Group), type);
        return account;
    }
}
