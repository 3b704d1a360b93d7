using System.ClientModel;
using System.Text;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Images;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI and Anthropic SDKs through the gateway to a fake Vertex AI and Google token endpoint (channel type 42): Claude, Gemini and Imagen.</summary>
public sealed class VertexChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Model = "claude-3-7-sonnet-20250219";

    private async Task<TestAccount> AccountAsync(string scenario, string models = Model)
    {
        var account = await pool.Gateway.CreateAccountAsync();
        var config = new JsonObject
        {
            ["region"] = "us-east5",
            ["vertex_ai_project_id"] = "test-project",
            ["vertex_ai_adc"] = pool.Vertex.ServiceAccountJson(account.Group),
        }.ToJsonString();
        await pool.Gateway.CreateChannelAsync(account.Group, models, pool.Vertex.BaseUrl(account.Group, scenario), type: 42, extra: new { config });
        return account;
    }

    private ChatClient Chat(TestAccount account) =>
        new(Model, new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(pool.Gateway.BaseUrl + "/v1") });

    [Fact]
    public async Task NonStream_UsesRawPredictWithAServiceAccountToken_CachedAcrossRequests()
    {
        var account = await AccountAsync("text");

        var first = await Chat(account).CompleteChatAsync([new UserChatMessage("Hello")]);
        await Chat(account).CompleteChatAsync([new UserChatMessage("Hello again")]);

        Assert.Equal(FakeAnthropicUpstream.ReplyText, first.Value.Content[0].Text);
        var calls = pool.Vertex.Calls(account.Group).Where(c => c.Path != "/oauth2").ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal("/v1/projects/test-project/locations/us-east5/publishers/anthropic/models/claude-3-7-sonnet@20250219:rawPredict", calls[0].Path);
        Assert.Equal(1, pool.Vertex.TokensIssued(account.Group));
        Assert.All(calls, c => Assert.Equal($"Bearer ya29.{account.Group}.1", c.Header("Authorization")));
        await using var db = await pool.Gateway.DbAsync();
        var quotas = await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).Select(l => l.Quota).ToListAsync();
        Assert.Equal([75, 75], quotas);
    }

    [Fact]
    public async Task Stream_UsesStreamRawPredictWithSse()
    {
        var account = await AccountAsync("thinking");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions?reasoning_format=thinking")
        {
            Content = new StringContent($$"""{"model":"{{Model}}","stream":true,"max_tokens":3000,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + account.Key);

        using var response = await pool.Gateway.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"thinking\":\"The user greets", body, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        var call = pool.Vertex.Calls(account.Group).Single(c => c.Path != "/oauth2");
        Assert.EndsWith(":streamRawPredict?alt=sse", call.RawTarget, StringComparison.Ordinal);
        Assert.True((bool)call.Json["stream"]!);
    }

    [Fact]
    public async Task AnthropicSdk_MessagesPassThroughToVertex()
    {
        var account = await AccountAsync("text");
        var client = new AnthropicClient(new ClientOptions { ApiKey = account.Key, BaseUrl = pool.Gateway.BaseUrl, MaxRetries = 0 });

        var message = await client.Messages.Create(new MessageCreateParams { Model = Model, MaxTokens = 100, Messages = [new UserMessageParam("Hi")] });

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal(FakeAnthropicUpstream.ReplyText, text!.Text);
        Assert.Equal(100, (int)pool.Vertex.Calls(account.Group).Single(c => c.Path != "/oauth2").Json["max_tokens"]!);
    }

    [Fact]
    public async Task UnusableKey_Is401WithoutCallingVertex()
    {
        var account = await pool.Gateway.CreateAccountAsync();
        await pool.Gateway.CreateChannelAsync(account.Group, Model, pool.Vertex.BaseUrl(account.Group, "text"), type: 42,
            extra: new { config = """{"region":"us-east5","vertex_ai_project_id":"p","vertex_ai_adc":"{\"type\":\"authorized_user\"}"}""" });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat(account).CompleteChatAsync([new UserChatMessage("Hello")]));

        Assert.Equal(401, error.Status);
        Assert.Empty(pool.Vertex.Calls(account.Group));
    }

    [Fact]
    public async Task GeminiAndClaude_OnOneChannel_ChosenByModel_ShareOneToken()
    {
        var account = await AccountAsync("text", $"{Model},gemini-2.0-flash");
        var client = new OpenAIClient(new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(pool.Gateway.BaseUrl + "/v1") });

        var gemini = await client.GetChatClient("gemini-2.0-flash").CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hello")]);
        var claude = await client.GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hello")]);

        Assert.Equal(FakeGeminiUpstream.ReplyText, gemini.Value.Content[0].Text);
        Assert.Equal(FakeAnthropicUpstream.ReplyText, claude.Value.Content[0].Text);
        var calls = pool.Vertex.Calls(account.Group).Where(c => c.Path != "/oauth2").ToList();
        Assert.Equal("/v1/projects/test-project/locations/us-east5/publishers/google/models/gemini-2.0-flash:generateContent", calls[0].Path);
        Assert.Equal("Be brief.", (string?)calls[0].Json["system_instruction"]!["parts"]![0]!["text"]);
        Assert.Contains("/publishers/anthropic/models/claude-3-7-sonnet@20250219:rawPredict", calls[1].Path, StringComparison.Ordinal);
        Assert.Equal(1, pool.Vertex.TokensIssued(account.Group));
        await using var db = await pool.Gateway.DbAsync();
        var gLog = await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume && l.ModelName == "gemini-2.0-flash");
        Assert.Equal((100, 50, 15), (gLog.PromptTokens, gLog.CompletionTokens, gLog.Quota));
    }

    [Fact]
    public async Task GeminiStream_OnVertex_UsesStreamGenerateContentWithSse()
    {
        var account = await AccountAsync("text", "gemini-2.0-flash");
        var chat = new ChatClient("gemini-2.0-flash", new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(pool.Gateway.BaseUrl + "/v1") });

        var text = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hello")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
        }

        Assert.Equal(FakeGeminiUpstream.ReplyText, text.ToString());
        Assert.EndsWith("/publishers/google/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
            pool.Vertex.Calls(account.Group).Single(c => c.Path != "/oauth2").RawTarget, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Imagen_ThroughImagesGenerations_IsAPredictCall_BilledPerPicture()
    {
        const string model = "imagen-3.0-generate-002";
        var account = await AccountAsync("text", model);
        var images = new ImageClient(model, new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(pool.Gateway.BaseUrl + "/v1") });

        var result = await images.GenerateImagesAsync("a red fox in snow", 2, new ImageGenerationOptions { ResponseFormat = GeneratedImageFormat.Bytes });

        Assert.Equal(2, result.Value.Count);
        Assert.Equal(Convert.FromBase64String(FakeVertexUpstream.ImageBase64), result.Value[0].ImageBytes.ToArray());
        var call = pool.Vertex.Calls(account.Group).Single(c => c.Path != "/oauth2");
        Assert.Equal("/v1/projects/test-project/locations/us-east5/publishers/google/models/imagen-3.0-generate-002:predict", call.Path);
        Assert.Equal($"Bearer ya29.{account.Group}.1", call.Header("Authorization"));
        Assert.Equal(2, (int)call.Json["parameters"]!["sampleCount"]!);
        // $0.04 a picture → ratio 20 → int(20 × 1000) per picture, two pictures
        await using var db = await pool.Gateway.DbAsync();
        var log = await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
        Assert.Equal((model, 40_000), (log.ModelName, log.Quota));
    }

    [Fact]
    public async Task ChannelTest_OfAVertexChannel_Passes()
    {
        var account = await AccountAsync("text");
        await using var db = await pool.Gateway.DbAsync();
        var channelId = await db.Channels.Where(c => c.Group == account.Group).Select(c => c.Id).SingleAsync();

        var result = JsonNode.Parse(await pool.Gateway.Admin.GetStringAsync($"/api/channel/test/{channelId}"))!;

        Assert.True((bool)result["success"]!, result.ToJsonString());
        Assert.Equal(FakeAnthropicUpstream.ReplyText, (string?)result["message"]);
        Assert.Contains(":rawPredict", pool.Vertex.Calls(account.Group).Single(c => c.Path != "/oauth2").Path, StringComparison.Ordinal);
    }
}
