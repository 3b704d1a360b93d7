using System.ClientModel;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;
using OpenAI.Chat;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI .NET SDK through the gateway to a fake Baidu ERNIE API (type 15) and its token endpoint.</summary>
public sealed class BaiduChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Model = "ERNIE-4.0-8K";

    /// <summary>one-api's ratio for ERNIE-4.0-8K: ¥0.12 per 1K tokens × 500 / 7; completion ratio 1.</summary>
    private const double Ratio = 0.12 * 500 / 7;

    /// <summary>An account whose channel's key is the one the fake knows for its group.</summary>
    private async Task<TestAccount> AccountAsync(string scenario = "chat", string model = Model)
    {
        var account = await pool.Gateway.CreateAccountAsync();
        await pool.Gateway.CreateChannelAsync(account.Group, model, pool.Baidu.BaseUrl(account.Group, scenario), 15,
            new { key = $"ak-{account.Group}|sk-{account.Group}" });
        return account;
    }

    [Fact]
    public async Task Chat_GoesToTheModelsEndpointWithAnExchangedToken_AndBaidusUsageIsBilled()
    {
        var account = await AccountAsync();

        var result = await pool.Client(account).GetChatClient(Model).CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hi")]);

        Assert.Equal("Hello from ERNIE!", result.Value.Content[0].Text);
        var call = pool.Baidu.Calls(account.Group).Single(c => c.Path != "/oauth/2.0/token");
        Assert.Equal("/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions_pro", call.Path);
        Assert.EndsWith($"?access_token=24.{account.Group}.1", call.RawTarget, StringComparison.Ordinal);
        Assert.Equal(("Be brief.", 1), ((string?)call.Json["system"], call.Json["messages"]!.AsArray().Count));
        var log = await pool.ConsumeLogAsync(account);
        var completion = FakeBaiduUpstream.TotalTokens - FakeBaiduUpstream.PromptTokens;
        Assert.Equal((FakeBaiduUpstream.PromptTokens, completion), (log.PromptTokens, log.CompletionTokens));
        Assert.Equal((long)Math.Ceiling((FakeBaiduUpstream.PromptTokens + completion) * Ratio), log.Quota);
    }

    [Fact]
    public async Task Stream_ResultsArriveAsChunks_AndTheTokenIsExchangedOnceForBothCalls()
    {
        var account = await AccountAsync();
        var chat = pool.Client(account).GetChatClient(Model);

        await chat.CompleteChatAsync([new UserChatMessage("Hi")]);
        var (text, usage, finish) = await chat.StreamAsync([new UserChatMessage("Hi")]);

        Assert.Equal(("Hello from ERNIE!", ChatFinishReason.Stop), (text, finish));
        Assert.Equal(FakeBaiduUpstream.TotalTokens - FakeBaiduUpstream.PromptTokens, usage?.OutputTokenCount);
        Assert.Equal(1, pool.Baidu.Exchanges(account.Group));
        await using var db = await pool.Gateway.DbAsync();
        var streamed = await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume && l.IsStream);
        Assert.Equal((FakeBaiduUpstream.PromptTokens, FakeBaiduUpstream.TotalTokens - FakeBaiduUpstream.PromptTokens),
            (streamed.PromptTokens, streamed.CompletionTokens));
    }

    [Fact]
    public async Task ExpiredToken_IsExchangedAgainOnce_AndTheCallSucceeds()
    {
        var account = await AccountAsync("expired");

        var result = await pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]);

        Assert.Equal("Hello from ERNIE!", result.Value.Content[0].Text);
        Assert.Equal(2, pool.Baidu.Exchanges(account.Group));
        Assert.Equal(FakeBaiduUpstream.PromptTokens, (await pool.ConsumeLogAsync(account)).PromptTokens);
    }

    [Fact]
    public async Task TokenRefusedAgainAfterRenewal_Is401_AfterOneRenewalOnly()
    {
        var account = await AccountAsync("revoked");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal((401, 2), (error.Status, pool.Baidu.Exchanges(account.Group)));
        Assert.Contains("Access token expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimitRefusalSentWith200_Is429WithBaidusMessage_AndNothingIsBilled()
    {
        var account = await AccountAsync("qps");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(429, error.Status);
        Assert.Contains("Open api qps request limit reached", error.Message, StringComparison.Ordinal);
        Assert.False(await pool.BilledAnythingAsync(account));
    }

    [Fact]
    public async Task UnknownKey_Is401WithTheTokenEndpointsReason()
    {
        var account = await pool.AccountAsync(15, Model, group => pool.Baidu.BaseUrl(group, "chat"), new { key = "ak-x|sk-y" });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(401, error.Status);
        Assert.Contains("unknown client id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_GoToTheEmbeddingEndpoint_AndArePromptTokens()
    {
        const string model = "Embedding-V1";
        var account = await AccountAsync(model: model);

        var result = await pool.Client(account).GetEmbeddingClient(model).GenerateEmbeddingsAsync(["Hi"]);

        Assert.Equal([0.25f, -0.5f], result.Value[0].ToFloats().ToArray());
        Assert.Equal("/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/embedding-v1",
            pool.Baidu.Calls(account.Group).Single(c => c.Path != "/oauth/2.0/token").Path);
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((long)Math.Ceiling(FakeBaiduUpstream.PromptTokens * 0.002 * 500 / 7), log.Quota);
    }
}
