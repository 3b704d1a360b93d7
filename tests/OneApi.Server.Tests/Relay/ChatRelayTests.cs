using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace OneApi.Server.Tests.Relay;

/// <summary>The official OpenAI .NET SDK through the gateway to a fake OpenAI upstream, billed to the unit.</summary>
public sealed class ChatRelayTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    private static ChatClient Chat(TestGateway gateway, TestAccount account, string model = "gpt-4o-mini") =>
        new(model, new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl + "/v1") });

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task NonStream_WithUpstreamUsage_BillsOneApiFormulaEverywhere(string database)
    {
        var gateway = await pool.GetAsync(database);
        var account = await gateway.CreateAccountAsync(userQuota: 10_000_000, tokenQuota: 1_000_000);
        var channelId = await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));

        var result = await Chat(gateway, account).CompleteChatAsync([new UserChatMessage("Say hello")]);

        Assert.Equal(FakeOpenAIUpstream.ReplyText, result.Value.Content[0].Text);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("X-Oneapi-Request-Id", out var requestId));
        // gpt-4o-mini: model ratio 0.075, completion ratio 4, group ratio 1 → ceil((11 + 7×4) × 0.075) = ceil(2.925) = 3
        const long expectedQuota = 3;
        await using var db = await gateway.DbAsync();
        var log = await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
        Assert.Equal((FakeOpenAIUpstream.PromptTokens, FakeOpenAIUpstream.CompletionTokens, expectedQuota), (log.PromptTokens, log.CompletionTokens, (long)log.Quota));
        Assert.Equal(requestId, log.RequestId);
        Assert.False(log.IsStream);
        Assert.Equal(channelId, log.ChannelId);
        Assert.Equal("gpt-4o-mini", log.ModelName);
        Assert.Equal("model rate 0.07, group rate 1.00, completion rate 4.00", log.Content);
        var token = await db.Tokens.SingleAsync(t => t.Id == account.TokenId);
        Assert.Equal((1_000_000 - expectedQuota, expectedQuota), (token.RemainQuota, token.UsedQuota));
        var user = await db.Users.SingleAsync(u => u.Id == account.UserId);
        Assert.Equal((10_000_000 - expectedQuota, expectedQuota, 1), (user.Quota, user.UsedQuota, user.RequestCount));
        Assert.Equal(expectedQuota, (await db.Channels.SingleAsync(c => c.Id == channelId)).UsedQuota);
        var cost = await db.UserRequestCosts.SingleAsync(c => c.RequestId == requestId);
        Assert.Equal((account.UserId, expectedQuota), (cost.UserId, cost.Quota));
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task NonStream_TokenTooSmallToTrust_ReservesThenSettlesToExactCharge(string database)
    {
        var gateway = await pool.GetAsync(database);
        // (500 + prompt + 1,024 × 4) × 0.075 ≈ 350 reserved; 100 × 350 > 2000, so the gateway reserves in the database.
        var account = await gateway.CreateAccountAsync(userQuota: 10_000_000, tokenQuota: 2_000);
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));

        await Chat(gateway, account).CompleteChatAsync([new UserChatMessage("Say hello")]);

        await using var db = await gateway.DbAsync();
        var token = await db.Tokens.SingleAsync(t => t.Id == account.TokenId);
        Assert.Equal((2_000 - 3, 3), (token.RemainQuota, token.UsedQuota));
        Assert.Equal(10_000_000 - 3, (await db.Users.SingleAsync(u => u.Id == account.UserId)).Quota);
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Stream_ThroughSdk_DeliversEveryChunkAndBillsReportedUsage(string database)
    {
        var gateway = await pool.GetAsync(database);
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "stream"));

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in Chat(gateway, account).CompleteChatStreamingAsync([new UserChatMessage("Say hello")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
            usage = update.Usage ?? usage;
        }

        Assert.Equal(FakeOpenAIUpstream.ReplyText, text.ToString());
        Assert.Equal(FakeOpenAIUpstream.CompletionTokens, usage?.OutputTokenCount);
        await using var db = await gateway.DbAsync();
        var log = await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
        Assert.True(log.IsStream);
        Assert.Equal((11, 7, 3), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task Stream_WithoutUsage_CountsDeliveredTextAndEndsWithDone()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "stream-no-usage"));

        var body = await PostChatAsync(gateway, account, stream: true);

        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.Equal(1, CountOccurrences(body, "data: [DONE]"));
        await using var db = await gateway.DbAsync();
        var log = await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
        // "Hello! How can I help you today?" is 9 tokens in o200k_base.
        Assert.Equal(9, log.CompletionTokens);
        Assert.True(log.PromptTokens > 0);
    }

    [Fact]
    public async Task Stream_LineOf300KB_PassesIntact()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "big-line"));

        var body = await PostChatAsync(gateway, account, stream: true);

        var bigEvent = body.Split("\n\n").Single(e => e.Length > 300 * 1024);
        using var chunk = JsonDocument.Parse(bigEvent["data: ".Length..]);
        Assert.Equal(300 * 1024, chunk.RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()!.Length);
    }

    [Fact]
    public async Task NonStream_BodyPassesUntouched_WhenNothingNeedsConverting()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"), type: 50);
        const string raw = "{ \"model\" : \"gpt-4o-mini\",\n  \"messages\":[{\"role\":\"user\",\"content\":\"caf\\u00e9\"}], \"x_custom\": 1 }";

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(raw, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", account.Key);
        using var response = await gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(raw, pool.Upstream.Requests(account.Group).Single().BodyText);
        Assert.Equal("Bearer sk-upstream-" + account.Group, pool.Upstream.Requests(account.Group).Single().Authorization);
    }

    [Fact]
    public async Task ModelMappingAndSystemPrompt_AreAppliedUpstreamAndBilledOnTheMappedModel()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "my-alias", pool.Upstream.BaseUrl(account.Group, "ok"),
            extra: new { model_mapping = """{"my-alias":"gpt-4o-mini"}""", system_prompt = "You are terse." });

        await Chat(gateway, account, "my-alias").CompleteChatAsync([new SystemChatMessage("be verbose"), new UserChatMessage("hi")]);

        using var sent = JsonDocument.Parse(pool.Upstream.Requests(account.Group).Single().Body);
        Assert.Equal("gpt-4o-mini", sent.RootElement.GetProperty("model").GetString());
        var messages = sent.RootElement.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("You are terse.", messages[0].GetProperty("content").GetString());
        await using var db = await gateway.DbAsync();
        var log = await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
        Assert.Equal(("gpt-4o-mini", true, 3), (log.ModelName, log.SystemPromptReset, log.Quota));
    }

    [Fact]
    public async Task Embeddings_ThroughSdk_AreRelayedAndBilled()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "text-embedding-3-small", pool.Upstream.BaseUrl(account.Group, "ok"));
        var client = new EmbeddingClient("text-embedding-3-small", new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl + "/v1") });

        var embedding = await client.GenerateEmbeddingAsync("The food was delicious");

        Assert.Equal(3, embedding.Value.ToFloats().Length);
        Assert.Equal("/v1/embeddings", pool.Upstream.Requests(account.Group).Single().Path);
        await using var db = await gateway.DbAsync();
        var log = await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
        // text-embedding-3-small ratio 0.01: ceil(8 × 0.01) = 1
        Assert.Equal((8, 0, 1), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task Models_ListsWhatTheGroupCanReach()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini,gpt-4o", pool.Upstream.BaseUrl(account.Group, "ok"));
        var client = new OpenAIClient(new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl + "/v1") });

        var models = await client.GetOpenAIModelClient().GetModelsAsync();

        Assert.Equal(["gpt-4o", "gpt-4o-mini"], models.Value.Select(m => m.Id).Order().ToArray());
        Assert.Equal("gpt-4o", (await client.GetOpenAIModelClient().GetModelAsync("gpt-4o")).Value.Id);
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => client.GetOpenAIModelClient().GetModelAsync("gpt-9"));
        Assert.Equal(404, missing.Status);
    }

    internal static async Task<string> PostChatAsync(TestGateway gateway, TestAccount account, bool stream, string model = "gpt-4o-mini")
    {
        using var response = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest(stream, model));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static int CountOccurrences(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
}
