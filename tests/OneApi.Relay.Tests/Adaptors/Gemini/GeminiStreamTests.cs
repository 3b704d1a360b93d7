using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors.Gemini;

/// <summary>Gemini's streamGenerateContent?alt=sse transcripts read as OpenAI chunks.</summary>
public sealed class GeminiStreamTests
{
    private static async Task<List<StreamFrame>> ReadAllAsync(string fixture, string model = "gemini-2.0-flash", string query = "", string extra = "")
    {
        var request = Fixture.Request($$"""{"model":"{{model}}","stream":true{{extra}},"messages":[]}""", query: query);
        var frames = new List<StreamFrame>();
        await foreach (var frame in TestAdaptors.For(ChannelTypes.Gemini, model).ReadStreamAsync(Fixture.Stream(fixture), request, CancellationToken.None))
        {
            frames.Add(frame);
        }
        return frames;
    }

    private static List<JsonObject> Chunks(IEnumerable<StreamFrame> frames) =>
        frames.Where(f => !f.Data.IsEmpty).Select(f => JsonNode.Parse(f.Data.Span)!.AsObject()).ToList();

    [Fact]
    public async Task TextStream_ChunksCarryTextAndFinishReason_UsageOnlyAtTheEnd()
    {
        var frames = await ReadAllAsync("gemini/stream_with_usage.sse");

        var chunks = Chunks(frames);
        Assert.Equal(3, chunks.Count);
        Assert.All(chunks, c => Assert.Equal("chatcmpl-kCpTaKvZJMWbmecP2JDYcQ", (string?)c["id"]));
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", (string?)c["object"]));
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Null(chunks[1]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("The sky is blue because of Rayleigh scattering.", string.Concat(frames.Select(f => f.Text)));
        Assert.Equal("stop", (string?)chunks[^1]["choices"]![0]!["finish_reason"]);
        Assert.Equal(Usage.Of(9, 11), Assert.Single(frames, f => f.Usage is not null).Usage);
        Assert.All(chunks, c => Assert.Null(c["usage"]));
    }

    [Fact]
    public async Task IncludeUsage_AddsOpenAIsUsageChunkAfterTheLast()
    {
        var frames = await ReadAllAsync("gemini/stream_with_usage.sse", extra: ""","stream_options":{"include_usage":true}""");

        var last = Chunks(frames)[^1];
        Assert.Empty(last["choices"]!.AsArray());
        Assert.Equal("""{"prompt_tokens":9,"completion_tokens":11,"total_tokens":20}""", last["usage"]!.ToJsonString());
    }

    [Fact]
    public async Task FunctionCalls_StreamAsIndexedToolCalls_FinishingWithToolCalls()
    {
        var frames = await ReadAllAsync("gemini/stream_function_call.sse");

        var choice = Chunks(frames).Single()["choices"]![0]!;
        var calls = choice["delta"]!["tool_calls"]!.AsArray();
        Assert.Equal([0, 1], calls.Select(c => (int)c!["index"]!));
        Assert.Equal("""{"location":"Paris"}""", (string?)calls[1]!["function"]!["arguments"]);
        Assert.Equal("get_current_weather", (string?)calls[0]!["function"]!["name"]);
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
    }

    [Fact]
    public async Task ThoughtParts_StreamInTheRequestedField_AndThoughtTokensAreBilled()
    {
        var frames = await ReadAllAsync("gemini/stream_thinking.sse", "gemini-2.5-flash", "?reasoning_format=reasoning_content");

        var chunks = Chunks(frames);
        Assert.StartsWith("**Analyzing the riddle**", (string?)chunks[0]["choices"]![0]!["delta"]!["reasoning_content"], StringComparison.Ordinal);
        Assert.Null(chunks[0]["choices"]![0]!["delta"]!["content"]);
        Assert.Equal("**Analyzing the riddle**\n\nA clock has hands but cannot clap.A clock.", string.Concat(frames.Select(f => f.Text)));
        Assert.Equal(Usage.Of(12, 3 + 128), Assert.Single(frames, f => f.Usage is not null).Usage);
    }

    [Fact]
    public async Task FunctionCallStream_WithoutUsage_WouldBeBilledByTheCallsNameAndArguments()
    {
        var frames = await ReadAllAsync("gemini/stream_function_call.sse");

        Assert.Equal("get_current_weather{\"location\":\"Boston, MA\"}get_current_weather{\"location\":\"Paris\"}", string.Concat(frames.Select(f => f.Text)));
    }

    [Fact]
    public async Task TruncatedStream_EndsWithoutUsage_SoTheDeliveredTextIsBilled()
    {
        var frames = await ReadAllAsync("gemini/stream_truncated.sse");

        Assert.Equal("Once upon a time", string.Concat(frames.Select(f => f.Text)));
        Assert.All(frames, f => Assert.Null(f.Usage));
        Assert.All(Chunks(frames), c => Assert.Null(c["choices"]![0]!["finish_reason"]));
    }

    [Fact]
    public async Task ErrorEventMidway_EndsTheStreamWithTheError()
    {
        var frames = await ReadAllAsync("gemini/stream_error_midway.sse");

        Assert.Equal("Partial", frames[0].Text);
        Assert.Equal((503, "The model is overloaded. Please try again later."), (frames[^1].Error!.StatusCode, frames[^1].Error!.Message));
        Assert.True(frames[^1].Data.IsEmpty);
    }
}
