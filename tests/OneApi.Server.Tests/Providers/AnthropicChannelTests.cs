using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI .NET SDK through the gateway to a fake Anthropic API (channel type 14), billed from Claude's usage.</summary>
public sealed class AnthropicChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Model = "claude-3-7-sonnet-20250219";

    private static ChatClient Chat(TestGateway gateway, TestAccount account) =>
        new(Model, new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl + "/v1") });

    private async Task<TestAccount> AccountWithClaudeAsync(string scenario)
    {
        var account = await pool.Gateway.CreateAccountAsync();
        await pool.Gateway.CreateChannelAsync(account.Group, Model, pool.Anthropic.BaseUrl(account.Group, scenario), type: 14);
        return account;
    }

    private async Task<Log> ConsumeLogAsync(TestAccount account)
    {
        await using var db = await pool.Gateway.DbAsync();
        return await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
    }

    [Fact]
    public async Task NonStream_SendsMessagesRequestWithClaudeHeaders_AndBillsClaudeUsage()
    {
        var account = await AccountWithClaudeAsync("text");

        var result = await Chat(pool.Gateway, account).CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hello"), new AssistantChatMessage("Hi"), new UserChatMessage("Greet me")],
            new ChatCompletionOptions { Temperature = 0.5f, StopSequences = { "END" } });

        Assert.Equal(FakeAnthropicUpstream.ReplyText, result.Value.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, result.Value.FinishReason);
        Assert.Equal((20, 6), (result.Value.Usage.InputTokenCount, result.Value.Usage.OutputTokenCount));
        var call = Assert.Single(pool.Anthropic.Calls(account.Group));
        Assert.Equal("/v1/messages", call.Path);
        Assert.Equal("2023-06-01", call.Header("anthropic-version"));
        Assert.Null(call.Header("Authorization"));
        var body = call.Json;
        Assert.Equal("Be brief.", (string?)body["system"]);
        Assert.Equal(4096, (int)body["max_tokens"]!);
        Assert.Equal(0.5, (double)body["temperature"]!, 3);
        Assert.Equal("END", (string?)body["stop_sequences"]![0]);
        Assert.Equal(3, body["messages"]!.AsArray().Count);
        // claude-3-7-sonnet: model ratio 1.5, completion ratio 5 → ceil((20 + 6×5) × 1.5) = 75
        var log = await ConsumeLogAsync(account);
        Assert.Equal((20, 6, 75), (log.PromptTokens, log.CompletionTokens, log.Quota));
        Assert.Equal(Model, log.ModelName);
    }

    [Fact]
    public async Task Stream_DeliversTextAndUsageAndEndsWithDone()
    {
        var account = await AccountWithClaudeAsync("text");

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Chat(pool.Gateway, account).CompleteChatStreamingAsync([new UserChatMessage("Hello")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal(FakeAnthropicUpstream.ReplyText, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(6, usage?.OutputTokenCount);
        Assert.True((bool)pool.Anthropic.Calls(account.Group).Single().Json["stream"]!);
        var log = await ConsumeLogAsync(account);
        Assert.True(log.IsStream);
        Assert.Equal((20, 6, 75), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task ToolCallStream_ArrivesAsOpenAIToolCallUpdates()
    {
        var account = await AccountWithClaudeAsync("tools");
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Current weather", BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}}}""")) },
            ToolChoice = ChatToolChoice.CreateRequiredChoice(),
        };

        string? id = null, name = null;
        var arguments = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in Chat(pool.Gateway, account).CompleteChatStreamingAsync([new UserChatMessage("Weather in Paris?")], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                id ??= call.ToolCallId;
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal(("toolu_01", "get_weather"), (id, name));
        Assert.Equal("Paris", JsonDocument.Parse(arguments.ToString()).RootElement.GetProperty("location").GetString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        var sent = pool.Anthropic.Calls(account.Group).Single().Json;
        Assert.Equal("get_weather", (string?)sent["tools"]![0]!["name"]);
        Assert.Equal("any", (string?)sent["tool_choice"]!["type"]);
    }

    [Fact]
    public async Task ToolResult_RoundTrip_GoesBackAsToolResultBlock()
    {
        var account = await AccountWithClaudeAsync("tools");
        var chat = Chat(pool.Gateway, account);
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Current weather") } };
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];

        var first = await chat.CompleteChatAsync(messages, options);
        var toolCall = Assert.Single(first.Value.ToolCalls);
        messages.Add(new AssistantChatMessage(first.Value));
        messages.Add(new ToolChatMessage(toolCall.Id, "18°C and sunny"));
        await chat.CompleteChatAsync(messages, options);

        Assert.Equal("Paris", JsonDocument.Parse(toolCall.FunctionArguments).RootElement.GetProperty("location").GetString());
        var second = pool.Anthropic.Calls(account.Group)[1].Json["messages"]!.AsArray();
        Assert.Equal("tool_use", (string?)second[1]!["content"]!.AsArray().Last()!["type"]);
        var result = second[2]!["content"]![0]!;
        Assert.Equal(("tool_result", "toolu_01", "18°C and sunny"), ((string?)result["type"], (string?)result["tool_use_id"], (string?)result["content"]));
    }

    [Fact]
    public async Task UpstreamError400_ReachesTheSdkAsA400_AndNothingIsBilled()
    {
        var account = await AccountWithClaudeAsync("error400");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat(pool.Gateway, account).CompleteChatAsync([new UserChatMessage("Hello")]));

        Assert.Equal(400, error.Status);
        Assert.Contains("messages: field required", error.Message, StringComparison.Ordinal);
        await using var db = await pool.Gateway.DbAsync();
        Assert.False(await db.Logs.AnyAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume));
    }

    [Fact]
    public async Task ThinkingParameter_WithTooFewMaxTokens_Is400BeforeAnyUpstreamCall()
    {
        var account = await AccountWithClaudeAsync("thinking");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions?thinking=true")
        {
            Content = new StringContent($$"""{"model":"{{Model}}","max_tokens":1000,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + account.Key);

        using var response = await pool.Gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("max_tokens must be greater than 1024", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(pool.Anthropic.Calls(account.Group));
    }

    [Fact]
    public async Task ThinkingParameter_TurnsThinkingOnUpstream()
    {
        var account = await AccountWithClaudeAsync("thinking");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions?thinking")
        {
            Content = new StringContent($$"""{"model":"{{Model}}","max_tokens":3000,"top_p":0.5,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + account.Key);

        using var response = await pool.Gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = pool.Anthropic.Calls(account.Group).Single().Json;
        Assert.Equal("""{"type":"enabled","budget_tokens":1024}""", sent["thinking"]!.ToJsonString());
        Assert.Null(sent["top_p"]);
    }

    [Fact]
    public async Task StreamErrorEvent_EndsTheStreamWithAnErrorAndBillsWhatWasDelivered()
    {
        var account = await AccountWithClaudeAsync("stream-error");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{Model}}","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + account.Key);

        using var response = await pool.Gateway.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"message\":\"Overloaded\"", body, StringComparison.Ordinal);
        var log = await ConsumeLogAsync(account);
        Assert.True(log.PromptTokens > 0);
        // Only the half of the reply delivered before the error is billed.
        Assert.True(log.CompletionTokens is > 0 and < FakeAnthropicUpstream.OutputTokens);
    }
}
