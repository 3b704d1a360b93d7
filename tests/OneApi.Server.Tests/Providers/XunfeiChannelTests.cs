using System.ClientModel;
using OneApi.Server.Tests.Infrastructure;
using OpenAI.Chat;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI .NET SDK through the gateway to a fake Xunfei Spark (type 18) answering over a WebSocket.</summary>
public sealed class XunfeiChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Model = "SparkDesk-v3.5";

    private async Task<TestAccount> AccountAsync(string scenario = "chat", string? key = null)
    {
        var account = await pool.Gateway.CreateAccountAsync();
        await pool.Gateway.CreateChannelAsync(account.Group, Model, pool.Spark.BaseUrl(account.Group, scenario), 18,
            new { key = key ?? FakeSparkUpstream.Key(account.Group) });
        return account;
    }

    [Fact]
    public async Task Chat_GoesAsASignedWebSocketFrame_AndTheLastFramesUsageIsBilled()
    {
        var account = await AccountAsync();

        var result = await pool.Client(account).GetChatClient(Model).CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hi")]);

        Assert.Equal("Hello from Spark!", result.Value.Content[0].Text);
        var call = pool.Spark.Calls(account.Group).Single();
        Assert.Equal("/v3.5/chat", call.Path);
        var frame = pool.Spark.Frame(account.Group);
        Assert.Equal(("app-" + account.Group, "generalv3.5", "Hi"),
            ((string?)frame["header"]!["app_id"], (string?)frame["parameter"]!["chat"]!["domain"], (string?)frame["payload"]!["message"]!["text"]![1]!["content"]));
        var log = await pool.ConsumeLogAsync(account);
        // No price is configured for the model: one-api's unknown-model ratio 1.25, completion ratio 1.
        Assert.Equal((FakeSparkUpstream.PromptTokens, FakeSparkUpstream.CompletionTokens, 35), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task Stream_FramesArriveAsChunks_WithUsage()
    {
        var account = await AccountAsync();

        var (text, usage, finish) = await pool.Client(account).GetChatClient(Model).StreamAsync([new UserChatMessage("Hi")]);

        Assert.Equal(("Hello from Spark!", ChatFinishReason.Stop), (text, finish));
        Assert.Equal(FakeSparkUpstream.CompletionTokens, usage?.OutputTokenCount);
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((FakeSparkUpstream.PromptTokens, FakeSparkUpstream.CompletionTokens, 35, true), (log.PromptTokens, log.CompletionTokens, log.Quota, log.IsStream));
    }

    [Fact]
    public async Task WrongKey_IsTheRefusedHandshakes401()
    {
        var account = await AccountAsync(key: "app|secret|not-the-key");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(401, error.Status);
    }

    [Fact]
    public async Task ErrorFrame_IsXunfeisErrorForTheClient()
    {
        var account = await AccountAsync("error");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(400, error.Status);
        Assert.Contains("The input content is sensitive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamCutOff_KeepsWhatArrived_AndBillsItByCount()
    {
        var account = await AccountAsync("cut");

        var (text, _, _) = await pool.Client(account).GetChatClient(Model).StreamAsync([new UserChatMessage("Hi")]);

        Assert.Equal("Hello ", text);
        var log = await pool.ConsumeLogAsync(account);
        Assert.True(log.CompletionTokens > 0);
    }
}
