using OneApi.Server.Tests.Infrastructure;
using OpenAI.Chat;

namespace OneApi.Server.Tests.Providers;

/// <summary>OpenAI-compatible types whose endpoints are not OpenAI's paths: the SDK's request reaches the provider's own path.</summary>
public sealed class OpenAICompatibleRoutesTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    [Theory]
    [InlineData(37, "/client/v4/accounts/acc-9/ai/v1/chat/completions")]   // Cloudflare Workers AI
    [InlineData(40, "/api/v3/chat/completions")]                            // Doubao
    [InlineData(47, "/v2/chat/completions")]                                // BaiduV2
    [InlineData(49, "/compatible-mode/v1/chat/completions")]                // AliBailian
    [InlineData(27, "/v1/text/chatcompletion_v2")]                          // Minimax
    public async Task Chat_ReachesTheProvidersPath_AndIsBilled(int type, string path)
    {
        var account = await pool.AccountAsync(type, "some-model", group => pool.OpenAI.BaseUrl(group, "ok"), new { config = """{"user_id":"acc-9"}""" });

        var result = await pool.Client(account).GetChatClient("some-model").CompleteChatAsync([new UserChatMessage("Hi")]);

        Assert.Equal(FakeOpenAIUpstream.ReplyText, result.Value.Content[0].Text);
        var call = pool.OpenAI.Requests(account.Group).Single();
        Assert.Equal(path, call.Path);
        Assert.Equal("Bearer sk-upstream-" + account.Group, call.Authorization);
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((FakeOpenAIUpstream.PromptTokens, FakeOpenAIUpstream.CompletionTokens), (log.PromptTokens, log.CompletionTokens));
    }

    [Fact]
    public async Task Zhipu_ChatGoesToV4WithASignedJwt_AndEmbeddingsToo()
    {
        var account = await pool.AccountAsync(16, "glm-4,embedding-3", group => pool.OpenAI.BaseUrl(group, "ok"), new { key = "zhipu-id.zhipu-secret" });

        var chat = await pool.Client(account).GetChatClient("glm-4").CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hi")]);
        var embedding = await pool.Client(account).GetEmbeddingClient("embedding-3").GenerateEmbeddingAsync("Hi");

        Assert.Equal(FakeOpenAIUpstream.ReplyText, chat.Value.Content[0].Text);
        Assert.NotEmpty(embedding.Value.ToFloats().ToArray());
        var calls = pool.OpenAI.Requests(account.Group);
        Assert.Equal(["/api/paas/v4/chat/completions", "/api/paas/v4/embeddings"], calls.Select(c => c.Path));
        var jwt = calls[0].Authorization["Bearer ".Length..].Split('.');
        var claims = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(Padded(jwt[1]))).RootElement;
        Assert.Equal("zhipu-id", claims.GetProperty("api_key").GetString());
        Assert.Equal(3, jwt.Length);
    }

    private static string Padded(string base64Url) =>
        base64Url.Replace('-', '+').Replace('_', '/').PadRight(base64Url.Length + (4 - base64Url.Length % 4) % 4, '=');
}
