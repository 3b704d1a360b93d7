using System.ClientModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI .NET SDK through the gateway to a fake Google AI Studio: Gemini (type 24) and its OpenAI endpoint (type 51).</summary>
public sealed class GeminiChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Model = "gemini-2.0-flash";

    private async Task<TestAccount> AccountAsync(string scenario, string models = Model, int type = 24, string path = "")
    {
        var account = await pool.Gateway.CreateAccountAsync();
        await pool.Gateway.CreateChannelAsync(account.Group, models, pool.Gemini.BaseUrl(account.Group, scenario) + path, type);
        return account;
    }

    private OpenAIClient Client(TestAccount account) =>
        new(new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(pool.Gateway.BaseUrl + "/v1") });

    private async Task<Log> ConsumeLogAsync(TestAccount account)
    {
        await using var db = await pool.Gateway.DbAsync();
        return await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
    }

    [Fact]
    public async Task Chat_SystemAndUser_GoAsGenerateContent_AndUsageMetadataIsBilled()
    {
        var account = await AccountAsync("text");

        var result = await Client(account).GetChatClient(Model).CompleteChatAsync([new SystemChatMessage("Be kind."), new UserChatMessage("Hello")]);

        Assert.Equal(FakeGeminiUpstream.ReplyText, result.Value.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, result.Value.FinishReason);
        Assert.Equal((100, 50), (result.Value.Usage.InputTokenCount, result.Value.Usage.OutputTokenCount));
        var call = pool.Gemini.Calls(account.Group).Single();
        Assert.Equal("/v1beta/models/gemini-2.0-flash:generateContent", call.Path);
        Assert.Equal("sk-upstream-" + account.Group, call.Header("x-goog-api-key"));
        Assert.Equal("Be kind.", (string?)call.Json["system_instruction"]!["parts"]![0]!["text"]);
        Assert.Equal("""[{"role":"user","parts":[{"text":"Hello"}]}]""", call.Json["contents"]!.ToJsonString());
        // gemini-2.0-flash: model ratio 0.05, completion ratio 4 → ceil((100 + 50 × 4) × 0.05) = 15
        var log = await ConsumeLogAsync(account);
        Assert.Equal((100, 50, 15, Model), (log.PromptTokens, log.CompletionTokens, log.Quota, log.ModelName));
    }

    [Fact]
    public async Task Stream_UsesAltSse_DeliversTextFinishAndUsage()
    {
        var account = await AccountAsync("text");

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Client(account).GetChatClient(Model).CompleteChatStreamingAsync([new UserChatMessage("Hello")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal(FakeGeminiUpstream.ReplyText, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(50, usage?.OutputTokenCount);
        Assert.EndsWith("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", pool.Gemini.Calls(account.Group).Single().RawTarget, StringComparison.Ordinal);
        var log = await ConsumeLogAsync(account);
        Assert.True(log.IsStream);
        Assert.Equal((100, 50, 15), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task FunctionCall_FinishesWithToolCalls_AndTheResultGoesBackAsFunctionResponse()
    {
        var account = await AccountAsync("tools");
        var chat = Client(account).GetChatClient(Model);
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Current weather", BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}}}""")) },
        };
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];

        var first = await chat.CompleteChatAsync(messages, options);
        var toolCall = Assert.Single(first.Value.ToolCalls);
        messages.Add(new AssistantChatMessage(first.Value));
        messages.Add(new ToolChatMessage(toolCall.Id, "18C and sunny"));
        await chat.CompleteChatAsync(messages, options);

        Assert.Equal(ChatFinishReason.ToolCalls, first.Value.FinishReason);
        Assert.Equal("get_weather", toolCall.FunctionName);
        Assert.Equal("Paris", JsonDocument.Parse(toolCall.FunctionArguments).RootElement.GetProperty("location").GetString());
        var calls = pool.Gemini.Calls(account.Group);
        Assert.Equal("get_weather", (string?)calls[0].Json["tools"]![0]!["functionDeclarations"]![0]!["name"]);
        var contents = calls[1].Json["contents"]!.AsArray();
        Assert.Equal("""{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"location":"Paris"}}}]}""", contents[1]!.ToJsonString());
        Assert.Equal("""{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"content":"18C and sunny"}}}]}""", contents[2]!.ToJsonString());
        await using var db = await pool.Gateway.DbAsync();
        var quotas = await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).Select(l => l.Quota).ToListAsync();
        Assert.Equal([15, 15], quotas);
    }

    [Fact]
    public async Task ToolCallStream_ArrivesAsToolCallUpdates()
    {
        var account = await AccountAsync("tools");
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Current weather") } };

        string? name = null;
        var arguments = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in Client(account).GetChatClient(Model).CompleteChatStreamingAsync([new UserChatMessage("Weather?")], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal("get_weather", name);
        Assert.Equal("""{"location":"Paris"}""", arguments.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
    }

    [Fact]
    public async Task Thinking_ThoughtsComeInTheRequestedField_AndAreBilledAsOutput()
    {
        const string model = "gemini-2.5-flash";
        var account = await AccountAsync("thinking", model);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions?reasoning_format=reasoning_content")
        {
            Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + account.Key);

        using var response = await pool.Gateway.Http.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(FakeGeminiUpstream.ThoughtText, (string?)answer["choices"]![0]!["message"]!["reasoning_content"]);
        Assert.Equal(FakeGeminiUpstream.ReplyText, (string?)answer["choices"]![0]!["message"]!["content"]);
        Assert.True((bool)pool.Gemini.Calls(account.Group).Single().Json["generationConfig"]!["thinkingConfig"]!["includeThoughts"]!);
        // gemini-2.5-flash: ratio 0.15; 50 answer + 30 thought tokens of output → ceil((100 + 80 × 4) × 0.15) = 63
        var log = await ConsumeLogAsync(account);
        Assert.Equal((100, 80, 63), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task Embeddings_GoAsBatchEmbedContents_AndTheInputIsBilled()
    {
        const string model = "text-embedding-004";
        var account = await AccountAsync("text", model);

        var result = await Client(account).GetEmbeddingClient(model).GenerateEmbeddingsAsync(["first text", "second text"]);

        Assert.Equal(2, result.Value.Count);
        Assert.Equal([0.25f, -0.5f, 0.75f], result.Value[1].ToFloats().ToArray());
        var call = pool.Gemini.Calls(account.Group).Single();
        Assert.Equal("/v1beta/models/text-embedding-004:batchEmbedContents", call.Path);
        Assert.Equal(2, call.Json["requests"]!.AsArray().Count);
        // Gemini counts nothing: the gateway's count of the input, at the unknown-model ratio 1.25.
        var log = await ConsumeLogAsync(account);
        Assert.True(log.PromptTokens > 0);
        Assert.Equal((long)Math.Ceiling(log.PromptTokens * 1.25), log.Quota);
    }

    [Fact]
    public async Task WrongKey_IsGooglesError_AndNothingIsBilled()
    {
        var account = await pool.Gateway.CreateAccountAsync();
        await pool.Gateway.CreateChannelAsync(account.Group, Model, pool.Gemini.BaseUrl("someone-else", "text"), 24);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(400, error.Status);
        Assert.Contains("API key not valid", error.Message, StringComparison.Ordinal);
        await using var db = await pool.Gateway.DbAsync();
        Assert.False(await db.Logs.AnyAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume));
    }

    [Fact]
    public async Task OpenAICompatibleType51_GoesThroughTheOpenAIFormatToV1betaOpenAI()
    {
        var account = await AccountAsync("text", type: 51, path: "/v1beta/openai/");

        var result = await Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hello")]);

        Assert.Equal("Hello from Gemini's OpenAI endpoint!", result.Value.Content[0].Text);
        var call = pool.Gemini.Calls(account.Group).Single();
        Assert.Equal("/v1beta/openai/chat/completions", call.Path);
        Assert.Equal("Bearer sk-upstream-" + account.Group, call.Header("Authorization"));
        // ceil((12 + 8 × 4) × 0.05) = 3
        var log = await ConsumeLogAsync(account);
        Assert.Equal((12, 8, 3), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }
}
