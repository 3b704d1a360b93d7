using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Anthropic;

namespace OneApi.Relay.Tests.Adaptors.Anthropic;

/// <summary>Claude's documented stream transcripts read as OpenAI chunks.</summary>
public sealed class AnthropicStreamTests
{
    private readonly IChannelAdaptor _adaptor = TestAdaptors.Anthropic();

    private async Task<List<StreamFrame>> ReadAllAsync(string fixture, string query = "", bool includeUsage = false)
    {
        var streamOptions = includeUsage ? ""","stream_options":{"include_usage":true}""" : "";
        var request = Fixture.Request("""{"model":"claude-3-7-sonnet-20250219","stream":true,"messages":[]""" + streamOptions + "}", query: query);
        var frames = new List<StreamFrame>();
        await foreach (var frame in _adaptor.ReadStreamAsync(Fixture.Stream(fixture), request, CancellationToken.None))
        {
            frames.Add(frame);
        }
        return frames;
    }

    private static List<JsonObject> Chunks(IEnumerable<StreamFrame> frames) =>
        frames.Where(f => !f.Data.IsEmpty).Select(f => JsonNode.Parse(f.Data.Span)!.AsObject()).ToList();

    private static JsonObject? Delta(JsonObject chunk) => chunk["choices"]?[0]?["delta"] as JsonObject;

    [Fact]
    public async Task BasicStream_ChunksCarryTextFinishReasonAndUsage()
    {
        var frames = await ReadAllAsync("anthropic/stream_with_usage.sse");

        var chunks = Chunks(frames);
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", (string?)c["object"]));
        Assert.All(chunks, c => Assert.Equal("chatcmpl-msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", (string?)c["id"]));
        Assert.Equal("assistant", (string?)Delta(chunks[0])!["role"]);
        Assert.Equal("Hello!", string.Concat(frames.Select(f => f.Text)));
        Assert.Equal("stop", (string?)chunks[^1]["choices"]![0]!["finish_reason"]);
        // Usage comes once, with message_delta: 25 + 10 cached + 5 cache-written prompt tokens. It is billed, but the
        // client that did not ask for usage gets none.
        Assert.Equal(Usage.Of(40, 15), Assert.Single(frames, f => f.Usage is not null).Usage);
        Assert.All(chunks, c => Assert.Null(c["usage"]));
        Assert.All(frames, f => Assert.Null(f.Error));
        Assert.All(frames, f => Assert.Null(f.Event));
    }

    [Fact]
    public async Task StreamWithIncludeUsage_EndsWithAUsageChunkWithEmptyChoices()
    {
        var frames = await ReadAllAsync("anthropic/stream_with_usage.sse", includeUsage: true);

        var chunks = Chunks(frames);
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
        Assert.Equal((40, 15), ((int)chunks[^1]["usage"]!["prompt_tokens"]!, (int)chunks[^1]["usage"]!["completion_tokens"]!));
        Assert.Equal("stop", (string?)chunks[^2]["choices"]![0]!["finish_reason"]);
        Assert.Null(chunks[^2]["usage"]);
        Assert.Equal(Usage.Of(40, 15), frames[^1].Usage);
    }

    [Fact]
    public async Task ToolUseStream_StreamsToolCallIdNameAndArguments()
    {
        var frames = await ReadAllAsync("anthropic/stream_tool_use.sse");

        var toolDeltas = Chunks(frames).Select(Delta).Where(d => d?["tool_calls"] is not null).Select(d => d!["tool_calls"]![0]!).ToList();
        Assert.Equal("toolu_01T1x1fJ34qAmk2tNTrN7Up6", (string?)toolDeltas[0]["id"]);
        Assert.Equal("get_weather", (string?)toolDeltas[0]["function"]!["name"]);
        Assert.All(toolDeltas, d => Assert.Equal(0, (int)d["index"]!));
        var arguments = string.Concat(toolDeltas.Select(d => (string?)d["function"]!["arguments"]));
        Assert.Equal("""{"location": "San Francisco, CA", "unit": "fahrenheit"}""", arguments);
        Assert.Equal("tool_calls", (string?)Chunks(frames)[^1]["choices"]![0]!["finish_reason"]);
        Assert.Equal(Usage.Of(472, 89), frames.Last(f => f.Usage is not null).Usage);
    }

    [Theory]
    [InlineData("", "reasoning")]
    [InlineData("reasoning_format=reasoning_content", "reasoning_content")]
    [InlineData("reasoning_format=reasoning", "reasoning")]
    [InlineData("reasoning_format=thinking", "thinking")]
    public async Task ThinkingStream_DeltasGoToTheRequestedField_AndTheSignatureFollows(string query, string field)
    {
        var frames = await ReadAllAsync("anthropic/stream_thinking.sse", query);

        var deltas = Chunks(frames).Select(Delta).Where(d => d is not null).ToList();
        var reasoning = string.Concat(deltas.Select(d => (string?)d![field]));
        Assert.Equal("Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3", reasoning);
        foreach (var other in new[] { "reasoning", "reasoning_content", "thinking" }.Where(f => f != field))
        {
            Assert.DoesNotContain(deltas, d => d!.ContainsKey(other));
        }
        var signature = deltas.Single(d => d!["thinking_blocks"] is not null)!["thinking_blocks"]![0]!;
        Assert.StartsWith("EqQBCgIYAhIM", (string?)signature["signature"], StringComparison.Ordinal);
        Assert.Equal(reasoning + "27 * 453 = 12,231", string.Concat(frames.Select(f => f.Text)));
    }

    [Fact]
    public async Task ErrorEventMidStream_EndsWithAnOpenAIErrorFrame()
    {
        var frames = await ReadAllAsync("anthropic/stream_error_midway.sse");

        var last = frames[^1];
        Assert.Equal((529, "overloaded_error", "Overloaded"), (last.Error!.StatusCode, last.Error.Type, last.Error.Message));
        Assert.Equal("Overloaded", (string?)JsonNode.Parse(last.Data.Span)!["error"]!["message"]);
        Assert.Equal("Par", string.Concat(frames.Select(f => f.Text)));
        Assert.DoesNotContain(frames, f => Encoding.UTF8.GetString(f.Data.Span).Contains("must not be read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TruncatedStream_EndsQuietly_WithoutUsage()
    {
        var frames = await ReadAllAsync("anthropic/stream_truncated.sse");

        Assert.Equal("Once upon", string.Concat(frames.Select(f => f.Text)));
        Assert.All(frames, f => Assert.Null(f.Usage));
        Assert.All(frames, f => Assert.Null(f.Error));
    }
}
