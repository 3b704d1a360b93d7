using System.ClientModel;
using OneApi.Server.Tests.Infrastructure;
using OpenAI.Chat;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI .NET SDK through the gateway to a fake Cohere (type 35) speaking its v1 chat.</summary>
public sealed class CohereChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Model = "command-r";

    private Task<TestAccount> AccountAsync(object? extra = null) =>
        pool.AccountAsync(35, Model, group => pool.Cohere.BaseUrl(group, "chat"), extra);

    [Fact]
    public async Task Chat_GoesAsPreambleHistoryAndMessage_AndMetaTokensAreBilled()
    {
        var account = await AccountAsync();

        var result = await pool.Client(account).GetChatClient(Model).CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hi"), new AssistantChatMessage("Hello."), new UserChatMessage("Again")]);

        Assert.Equal("Hello from Cohere!", result.Value.Content[0].Text);
        var call = pool.Cohere.Calls(account.Group).Single();
        Assert.Equal("/v1/chat", call.Path);
        Assert.Equal(("Again", "Be brief.", 2), ((string?)call.Json["message"], (string?)call.Json["preamble"], call.Json["chat_history"]!.AsArray().Count));
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((FakeCohereUpstream.InputTokens, FakeCohereUpstream.OutputTokens), (log.PromptTokens, log.CompletionTokens));
    }

    [Fact]
    public async Task Stream_JsonLinesArriveAsChunks_WithUsage()
    {
        var account = await AccountAsync();

        var (text, usage, finish) = await pool.Client(account).GetChatClient(Model).StreamAsync([new UserChatMessage("Hi")]);

        Assert.Equal(("Hello from Cohere!", ChatFinishReason.Stop), (text, finish));
        Assert.Equal(FakeCohereUpstream.OutputTokens, usage?.OutputTokenCount);
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((FakeCohereUpstream.InputTokens, FakeCohereUpstream.OutputTokens, true), (log.PromptTokens, log.CompletionTokens, log.IsStream));
    }

    [Fact]
    public async Task BadKey_Is401WithCoheresMessage()
    {
        var account = await AccountAsync(new { key = "wrong" });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Contains("invalid api token", error.Message, StringComparison.Ordinal);
    }
}
