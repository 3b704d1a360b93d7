using System.ClientModel;
using OneApi.Server.Tests.Infrastructure;
using OpenAI.Chat;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI .NET SDK through the gateway to a fake Coze (type 34) streaming its v3 chat events.</summary>
public sealed class CozeChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Model = "bot-7379462189365198898";

    private async Task<TestAccount> AccountAsync(string scenario = "chat", string? key = null)
    {
        var account = await pool.Gateway.CreateAccountAsync();
        await pool.Gateway.CreateChannelAsync(account.Group, Model, pool.Coze.BaseUrl(account.Group, scenario), 34,
            new { key = key ?? "pat-" + account.Group, config = """{"user_id":"operator"}""" });
        return account;
    }

    [Fact]
    public async Task Chat_AsksTheBotAndGathersItsStream_AndChatUsageIsBilled()
    {
        var account = await AccountAsync();

        var result = await pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]);

        Assert.Equal("Hello from Coze!", result.Value.Content[0].Text);
        var call = pool.Coze.Calls(account.Group).Single();
        Assert.Equal(("/v3/chat", "7379462189365198898", "operator", true),
            (call.Path, (string?)call.Json["bot_id"], (string?)call.Json["user_id"], (bool?)call.Json["stream"]));
        var log = await pool.ConsumeLogAsync(account);
        // No price is configured for the bot: one-api's unknown-model ratio 1.25, completion ratio 1.
        Assert.Equal((FakeCozeUpstream.InputTokens, FakeCozeUpstream.OutputTokens, 35), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task Stream_AnswerDeltasArriveAsChunks_WithUsage()
    {
        var account = await AccountAsync();

        var (text, usage, finish) = await pool.Client(account).GetChatClient(Model).StreamAsync([new UserChatMessage("Hi")]);

        Assert.Equal(("Hello from Coze!", ChatFinishReason.Stop), (text, finish));
        Assert.Equal(FakeCozeUpstream.OutputTokens, usage?.OutputTokenCount);
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((FakeCozeUpstream.InputTokens, FakeCozeUpstream.OutputTokens, 35, true), (log.PromptTokens, log.CompletionTokens, log.Quota, log.IsStream));
    }

    [Fact]
    public async Task BadToken_IsCozes401()
    {
        var account = await AccountAsync(key: "pat-wrong");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(401, error.Status);
        Assert.Contains("authentication is invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorEvent_IsCozesErrorForTheClient()
    {
        var account = await AccountAsync("error");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(400, error.Status);
        Assert.Contains("Request parameter error", error.Message, StringComparison.Ordinal);
    }
}
