using System.ClientModel;
using OneApi.Server.Tests.Infrastructure;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI .NET SDK through the gateway to a fake Tencent Hunyuan (type 23) checking the TC3 signature.</summary>
public sealed class TencentChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Model = "hunyuan-lite";

    private async Task<TestAccount> AccountAsync(string? key = null, string model = Model)
    {
        var account = await pool.Gateway.CreateAccountAsync();
        await pool.Gateway.CreateChannelAsync(account.Group, model, pool.Tencent.BaseUrl(account.Group, "chat"), 23,
            new { key = key ?? FakeTencentUpstream.Key(account.Group) });
        return account;
    }

    [Fact]
    public async Task Chat_GoesAsTheSignedAction_AndHunyuansUsageIsBilled()
    {
        var account = await AccountAsync();

        var result = await pool.Client(account).GetChatClient(Model).CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hi")]);

        Assert.Equal("Hello from Hunyuan!", result.Value.Content[0].Text);
        var call = pool.Tencent.Calls(account.Group).Single();
        Assert.Equal(("/", "2023-09-01", "hunyuan-lite", "Hi"),
            (call.Path, call.Header("X-TC-Version"), (string?)call.Json["Model"], (string?)call.Json["Messages"]![1]!["Content"]));
        var log = await pool.ConsumeLogAsync(account);
        // No price is configured for the model: one-api's unknown-model ratio 1.25, completion ratio 1.
        Assert.Equal((FakeTencentUpstream.PromptTokens, FakeTencentUpstream.CompletionTokens, 35), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task Stream_DeltasArriveAsChunks_WithUsage()
    {
        var account = await AccountAsync();

        var (text, usage, finish) = await pool.Client(account).GetChatClient(Model).StreamAsync([new UserChatMessage("Hi")]);

        Assert.Equal(("Hello from Hunyuan!", ChatFinishReason.Stop), (text, finish));
        Assert.Equal(FakeTencentUpstream.CompletionTokens, usage?.OutputTokenCount);
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((FakeTencentUpstream.PromptTokens, FakeTencentUpstream.CompletionTokens, 35, true), (log.PromptTokens, log.CompletionTokens, log.Quota, log.IsStream));
    }

    [Fact]
    public async Task Embeddings_AreTheGetEmbeddingAction_BilledByHunyuansPromptTokens()
    {
        const string model = "hunyuan-embedding";
        var account = await AccountAsync(model: model);

        var result = await pool.Client(account).GetEmbeddingClient(model).GenerateEmbeddingsAsync(["Hi", "there"]);

        Assert.Equal([0.25f, -0.5f], result.Value[1].ToFloats().ToArray());
        Assert.Equal((2, FakeTencentUpstream.EmbeddingTokens), (result.Value.Count, result.Value.Usage.InputTokenCount));
        var call = pool.Tencent.Calls(account.Group).Single();
        Assert.Equal(("GetEmbedding", "[\"Hi\",\"there\"]"), (call.Header("X-TC-Action"), call.Json["InputList"]!.ToJsonString()));
        var log = await pool.ConsumeLogAsync(account);
        // No price is configured for the model: one-api's unknown-model ratio 1.25.
        Assert.Equal((FakeTencentUpstream.EmbeddingTokens, 0, 15), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task WrongSecret_IsTencents401()
    {
        var account = await AccountAsync(key: "1|AKID-other|secret");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(401, error.Status);
        Assert.Contains("The provided credentials could not be validated.", error.Message, StringComparison.Ordinal);
    }
}
