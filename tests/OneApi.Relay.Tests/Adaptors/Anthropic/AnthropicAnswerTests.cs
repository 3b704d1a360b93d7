using System.Net;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Anthropic;

namespace OneApi.Relay.Tests.Adaptors.Anthropic;

/// <summary>Claude's documented message bodies read as OpenAI chat completions.</summary>
public sealed class AnthropicAnswerTests
{
    private readonly IChannelAdaptor _adaptor = TestAdaptors.Anthropic();

    private async Task<(UpstreamAnswer Answer, JsonObject Json)> ReadAsync(string fixture, string query = "")
    {
        var request = Fixture.Request("""{"model":"claude-3-7-sonnet-20250219","messages":[]}""", query: query);
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes(fixture)) };
        var answer = await _adaptor.ReadAnswerAsync(response, request, CancellationToken.None);
        return (answer, answer.Error is null ? JsonNode.Parse(answer.Body.Span)!.AsObject() : []);
    }

    [Fact]
    public async Task TextMessage_BecomesChatCompletion_WithCacheTokensInPrompt()
    {
        var (answer, json) = await ReadAsync("anthropic/message.json");

        Assert.Null(answer.Error);
        Assert.Equal("chat.completion", (string?)json["object"]);
        Assert.Equal("chatcmpl-msg_013Zva2CMHLNnXjNJJKqJ2EF", (string?)json["id"]);
        var choice = json["choices"]![0]!;
        Assert.Equal("Hi! My name is Claude.", (string?)choice["message"]!["content"]);
        Assert.Equal("assistant", (string?)choice["message"]!["role"]);
        Assert.Equal("stop", (string?)choice["finish_reason"]);
        // 2095 uncached + 2000 read from cache + 100 written to cache.
        Assert.Equal(Usage.Of(4195, 503), answer.Usage);
        Assert.Equal(4195, (int)json["usage"]!["prompt_tokens"]!);
        Assert.Equal(2000, (int)json["usage"]!["prompt_tokens_details"]!["cached_tokens"]!);
        Assert.Equal(100, (int)json["usage"]!["prompt_tokens_details"]!["cache_creation_tokens"]!);
        Assert.Equal("Hi! My name is Claude.", answer.CompletionText);
    }

    [Fact]
    public async Task ToolUse_BecomesToolCallsWithJsonArguments()
    {
        var (_, json) = await ReadAsync("anthropic/message_tool_use.json");

        var choice = json["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        var call = choice["message"]!["tool_calls"]![0]!;
        Assert.Equal("toolu_01A09q90qw90lq917835lq9", (string?)call["id"]);
        Assert.Equal("function", (string?)call["type"]);
        Assert.Equal("get_weather", (string?)call["function"]!["name"]);
        Assert.Equal("""{"location":"San Francisco, CA","unit":"celsius"}""", (string?)call["function"]!["arguments"]);
        Assert.Equal("I'll check the current weather in San Francisco for you.", (string?)choice["message"]!["content"]);
    }

    [Theory]
    [InlineData("", "reasoning")]
    [InlineData("reasoning_format=reasoning", "reasoning")]
    [InlineData("reasoning_format=reasoning_content", "reasoning_content")]
    [InlineData("reasoning_format=THINKING", "thinking")]
    [InlineData("reasoning_format=bogus", "reasoning")]
    public async Task Thinking_GoesToTheRequestedReasoningField_WithSignedBlocks(string query, string field)
    {
        var (_, json) = await ReadAsync("anthropic/message_thinking.json", query);

        var message = json["choices"]![0]!["message"]!.AsObject();
        Assert.Equal("Let me analyze this step by step...", (string?)message[field]);
        Assert.Single(new[] { "reasoning", "reasoning_content", "thinking" }, f => message.ContainsKey(f));
        Assert.Equal("Based on my analysis...", (string?)message["content"]);
        var blocks = message["thinking_blocks"]!.AsArray();
        Assert.Equal(["thinking", "redacted_thinking"], blocks.Select(b => (string?)b!["type"]));
        Assert.StartsWith("WaUjzkyp", (string?)blocks[0]!["signature"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorBody_Status400_IsReadWithClaudesType()
    {
        var error = _adaptor.ReadError(400, Fixture.Bytes("anthropic/error_400_invalid_request.json"));

        Assert.Equal((RelayErrorKind.UpstreamStatus, 400, "invalid_request_error", "max_tokens: Field required"), (error.Kind, error.StatusCode, error.Type, error.Message));
        await Task.CompletedTask;
    }

    [Fact]
    public void Overloaded529_KeepsItsStatus()
    {
        var error = _adaptor.ReadError(529, Fixture.Bytes("anthropic/error_529_overloaded.json"));

        Assert.Equal((529, "overloaded_error", "Overloaded"), (error.StatusCode, error.Type, error.Message));
    }

    [Fact]
    public async Task ErrorObjectIn200_IsAnError()
    {
        var (answer, _) = await ReadAsync("anthropic/error_529_overloaded.json");

        Assert.Equal(529, answer.Error!.StatusCode);
    }
}
