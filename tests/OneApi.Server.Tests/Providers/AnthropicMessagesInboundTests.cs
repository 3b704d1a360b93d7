using System.Net;
using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Providers;

/// <summary>The official Anthropic .NET SDK against the gateway's <c>/v1/messages</c>, routed to a Claude channel and to an OpenAI-format one.</summary>
public sealed class AnthropicMessagesInboundTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Claude = "claude-3-7-sonnet-20250219";

    private AnthropicClient Client(TestAccount account) =>
        new(new ClientOptions { ApiKey = account.Key, BaseUrl = pool.Gateway.BaseUrl, MaxRetries = 0 });

    private static MessageCreateParams Params(string model, int maxTokens = 300) => new()
    {
        Model = model,
        MaxTokens = maxTokens,
        System = "Be brief.",
        Messages = [new UserMessageParam("Hello")],
    };

    private async Task<TestAccount> AccountAsync(string model, int type, string baseUrl)
    {
        var account = await pool.Gateway.CreateAccountAsync();
        await pool.Gateway.CreateChannelAsync(account.Group, model, baseUrl.Replace("{group}", account.Group, StringComparison.Ordinal), type);
        return account;
    }

    private async Task<Log> ConsumeLogAsync(TestAccount account)
    {
        await using var db = await pool.Gateway.DbAsync();
        return await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
    }

    [Fact]
    public async Task ClaudeChannel_NonStream_PassesTheBodyThroughAndBills()
    {
        var account = await AccountAsync(Claude, 14, pool.Anthropic.BaseUrl("{group}", "text"));

        var message = await Client(account).Messages.Create(Params(Claude));

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal(FakeAnthropicUpstream.ReplyText, text!.Text);
        Assert.Equal((20, 6), (message.Usage.InputTokens, message.Usage.OutputTokens));
        var call = Assert.Single(pool.Anthropic.Calls(account.Group));
        Assert.Equal("sk-upstream-" + account.Group, call.Header("x-api-key"));
        var sent = call.Json;
        Assert.Equal("Be brief.", (string?)sent["system"]);
        Assert.Equal(300, (int)sent["max_tokens"]!);
        Assert.Null(sent["stream_options"]);
        var log = await ConsumeLogAsync(account);
        Assert.Equal((20, 6, 75), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task ClaudeChannel_Stream_RelaysClaudesEventsWithThinking()
    {
        var account = await AccountAsync(Claude, 14, pool.Anthropic.BaseUrl("{group}", "thinking"));

        var (text, thinking, signature, output) = await StreamAsync(Client(account), Params(Claude, 2000));

        Assert.Equal(FakeAnthropicUpstream.ReplyText, text);
        Assert.Equal(FakeAnthropicUpstream.ThinkingText, thinking);
        Assert.Equal(FakeAnthropicUpstream.Signature, signature);
        Assert.Equal(6, output);
        var log = await ConsumeLogAsync(account);
        Assert.True(log.IsStream);
        Assert.Equal((20, 6, 75), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task OpenAIChannel_NonStream_IsConvertedBothWays()
    {
        var account = await AccountAsync("deepseek-reasoner", 36, pool.Reasoning.BaseUrl("{group}", "reasoning_content"));

        var message = await Client(account).Messages.Create(Params("deepseek-reasoner"));

        Assert.True(message.Content[0].TryPickThinking(out var thinking));
        Assert.Equal(FakeReasoningUpstream.ReasoningText, thinking!.Thinking);
        Assert.True(message.Content[1].TryPickText(out var text));
        Assert.Equal(FakeReasoningUpstream.ReplyText, text!.Text);
        Assert.Equal((10, 12), (message.Usage.InputTokens, message.Usage.OutputTokens));
        var sent = pool.Reasoning.Calls(account.Group).Single().Json;
        Assert.Equal("system", (string?)sent["messages"]![0]!["role"]);
        Assert.Equal("Be brief.", (string?)sent["messages"]![0]!["content"]);
        Assert.Equal(300, (int)sent["max_tokens"]!);
        var log = await ConsumeLogAsync(account);
        Assert.Equal((10, 12), (log.PromptTokens, log.CompletionTokens));
    }

    [Fact]
    public async Task OpenAIChannel_Stream_BecomesClaudeEvents()
    {
        var account = await AccountAsync("deepseek-reasoner", 36, pool.Reasoning.BaseUrl("{group}", "reasoning_content"));

        var (text, thinking, _, output) = await StreamAsync(Client(account), Params("deepseek-reasoner"));

        Assert.Equal(FakeReasoningUpstream.ReplyText, text);
        Assert.Equal(FakeReasoningUpstream.ReasoningText, thinking);
        Assert.Equal(12, output);
        Assert.True((bool)pool.Reasoning.Calls(account.Group).Single().Json["stream_options"]!["include_usage"]!);
        var log = await ConsumeLogAsync(account);
        Assert.Equal((10, 12, true), (log.PromptTokens, log.CompletionTokens, log.IsStream));
    }

    [Fact]
    public async Task RawStream_HasNamedEventsAndNoDoneMarker()
    {
        var account = await AccountAsync("deepseek-reasoner", 36, pool.Reasoning.BaseUrl("{group}", "reasoning_content"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent("""{"model":"deepseek-reasoner","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", account.Key);
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await pool.Gateway.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("event: message_start\ndata: {", body, StringComparison.Ordinal);
        Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnthropicBetaHeader_ReachesTheClaudeChannel()
    {
        var account = await AccountAsync(Claude, 14, pool.Anthropic.BaseUrl("{group}", "text"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent($$"""{"model":"{{Claude}}","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", account.Key);
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("anthropic-beta", "prompt-caching-2024-07-31, token-efficient-tools-2025-02-19");

        using var response = await pool.Gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("prompt-caching-2024-07-31,token-efficient-tools-2025-02-19", pool.Anthropic.Calls(account.Group).Single().Header("anthropic-beta"));
    }

    [Fact]
    public async Task BadKey_Is401InClaudesErrorShape()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent("""{"model":"x","max_tokens":10,"messages":[]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", "sk-not-a-key");

        using var response = await pool.Gateway.Http.SendAsync(request);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("authentication_error", error.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task ClaudeChannelError_ReachesTheSdkAsItsException()
    {
        var account = await AccountAsync(Claude, 14, pool.Anthropic.BaseUrl("{group}", "error400"));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Client(account).Messages.Create(Params(Claude)));

        Assert.Contains("messages: field required", error.Message, StringComparison.Ordinal);
    }

    private static async Task<(string Text, string Thinking, string Signature, long OutputTokens)> StreamAsync(AnthropicClient client, MessageCreateParams parameters)
    {
        var text = new StringBuilder();
        var thinking = new StringBuilder();
        var signature = new StringBuilder();
        long output = 0;
        await foreach (var evt in client.Messages.CreateStreaming(parameters))
        {
            if (evt.TryPickContentBlockDelta(out var blockDelta))
            {
                if (blockDelta!.Delta.TryPickText(out var textDelta))
                {
                    text.Append(textDelta!.Text);
                }
                else if (blockDelta.Delta.TryPickThinking(out var thinkingDelta))
                {
                    thinking.Append(thinkingDelta!.Thinking);
                }
                else if (blockDelta.Delta.TryPickSignature(out var signatureDelta))
                {
                    signature.Append(signatureDelta!.Signature);
                }
            }
            else if (evt.TryPickDelta(out var messageDelta))
            {
                output = messageDelta!.Usage.OutputTokens;
            }
        }
        return (text.ToString(), thinking.ToString(), signature.ToString(), output);
    }
}
