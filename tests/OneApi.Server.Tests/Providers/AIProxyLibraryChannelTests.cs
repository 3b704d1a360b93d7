using System.ClientModel;
using OneApi.Server.Tests.Infrastructure;
using OpenAI.Chat;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI .NET SDK through the gateway to a fake AI Proxy library (type 21), which reports no usage.</summary>
public sealed class AIProxyLibraryChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Model = "gpt-3.5-turbo";
    private const string Answer = "Hello from the library!\n\n参考文档：\n1. [Guide](https://docs.example.com/guide)\n";

    private Task<TestAccount> AccountAsync(object? extra = null) =>
        pool.AccountAsync(21, Model, group => pool.AIProxyLibrary.BaseUrl(group, "chat"), extra ?? new { config = """{"library_id":"lib-1"}""" });

    [Fact]
    public async Task Chat_AsksTheLibrary_AndTheCountedTokensAreBilled()
    {
        var account = await AccountAsync();

        var result = await pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]);

        Assert.Equal(Answer, result.Value.Content[0].Text);
        var call = pool.AIProxyLibrary.Calls(account.Group).Single();
        Assert.Equal(("/api/library/ask", "lib-1", "Hi"), (call.Path, (string?)call.Json["libraryId"], (string?)call.Json["query"]));
        var log = await pool.ConsumeLogAsync(account);
        Assert.True(log.PromptTokens > 0 && log.CompletionTokens > 0);
        // gpt-3.5-turbo: model ratio 0.25, completion ratio 3.
        Assert.Equal((long)Math.Ceiling((log.PromptTokens + log.CompletionTokens * 3) * 0.25), log.Quota);
    }

    [Fact]
    public async Task Stream_ContentArrivesAsChunks_DocumentsLast()
    {
        var account = await AccountAsync();

        var (text, _, finish) = await pool.Client(account).GetChatClient(Model).StreamAsync([new UserChatMessage("Hi")]);

        Assert.Equal((Answer, ChatFinishReason.Stop), (text, finish));
        var log = await pool.ConsumeLogAsync(account);
        Assert.True(log.CompletionTokens > 0);
    }

    [Fact]
    public async Task BadKey_IsAIProxys401()
    {
        var account = await AccountAsync(new { key = "wrong", config = """{"library_id":"lib-1"}""" });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(401, error.Status);
        Assert.Contains("invalid api key", error.Message, StringComparison.Ordinal);
    }
}
