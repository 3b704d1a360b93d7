using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;

namespace OneApi.Relay.Tests.Adaptors.OpenAI;

public sealed class OpenAIAdaptorStreamTests
{
    private readonly IChannelAdaptor _adaptor = TestAdaptors.OpenAI();

    private async Task<List<StreamFrame>> ReadAllAsync(Stream upstream, RelayMode mode = RelayMode.ChatCompletions)
    {
        var request = Fixture.Request("""{"model":"gpt-4o","stream":true,"messages":[]}""", mode);
        var frames = new List<StreamFrame>();
        await foreach (var frame in _adaptor.ReadStreamAsync(upstream, request, CancellationToken.None))
        {
            frames.Add(frame);
        }
        return frames;
    }

    private Task<List<StreamFrame>> ReadAllAsync(string transcript, RelayMode mode = RelayMode.ChatCompletions) =>
        ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes(transcript)), mode);

    private static string Text(IEnumerable<StreamFrame> frames) => string.Concat(frames.Select(f => f.Text));

    [Fact]
    public async Task ChatStreamWithUsage_YieldsDeltasAndUsageAndStopsAtDone()
    {
        var frames = await ReadAllAsync(Fixture.Stream("openai/chat_stream_with_usage.sse"));

        Assert.Equal(6, frames.Count);
        Assert.Equal([null, "Hello", "!", " How can I help?", null, null], frames.Select(f => f.Text));
        Assert.All(frames, f => Assert.Null(f.Error));
        Assert.All(frames.SkipLast(1), f => Assert.Null(f.Usage));
        Assert.Equal(Usage.Of(9, 6), frames[^1].Usage);
        Assert.DoesNotContain(frames, f => Encoding.UTF8.GetString(f.Data.Span).Contains("after-done", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChatStream_FramesCarryTheUpstreamChunkJson()
    {
        var frames = await ReadAllAsync(Fixture.Stream("openai/chat_stream_with_usage.sse"));

        var chunk = JsonNode.Parse(frames[1].Data.Span)!;
        Assert.Equal("chat.completion.chunk", (string?)chunk["object"]);
        Assert.Equal("Hello", (string?)chunk["choices"]![0]!["delta"]!["content"]);
    }

    [Fact]
    public async Task DataWithoutSpace_IsAccepted()
    {
        var frames = await ReadAllAsync(
            "data:{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tight\"}}]}\n\ndata:[DONE]\n\n");

        var frame = Assert.Single(frames);
        Assert.Equal("tight", frame.Text);
    }

    [Fact]
    public async Task CrlfLineEndings_AreAccepted()
    {
        var frames = await ReadAllAsync(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\r\n\r\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}\r\n\r\ndata: [DONE]\r\n\r\n");

        Assert.Equal("ab", Text(frames));
    }

    [Fact]
    public async Task CommentsAndOtherFields_AreSkipped()
    {
        var frames = await ReadAllAsync(
            ": OPENROUTER PROCESSING\n\nid: 1\nretry: 100\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n: keep-alive\n\ndata: [DONE]\n\n");

        var frame = Assert.Single(frames);
        Assert.Equal("x", frame.Text);
    }

    [Fact]
    public async Task HugeSingleDataLine_PassesIntact()
    {
        // Larger than bufio.Scanner's 64 KiB default, which broke one-api before its 1 MiB buffer (PR #2128).
        var content = new string('A', 300 * 1024);
        var json = "{\"id\":\"chatcmpl-img\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"}}]}";

        var frames = await ReadAllAsync($"data: {json}\n\ndata: [DONE]\n\n");

        var frame = Assert.Single(frames);
        Assert.Equal(content, frame.Text);
        Assert.Equal(Encoding.UTF8.GetBytes(json), frame.Data.ToArray());
    }

    [Fact]
    public async Task AzureContentFilterChunk_WithoutChoicesOrUsage_IsDropped()
    {
        var frames = await ReadAllAsync(Fixture.Stream("openai/chat_stream_azure_filter.sse"));

        Assert.Equal(3, frames.Count);
        Assert.DoesNotContain(frames, f => Encoding.UTF8.GetString(f.Data.Span).Contains("prompt_filter_results", StringComparison.Ordinal));
        Assert.Equal("Hi", Text(frames));
    }

    [Fact]
    public async Task NonJsonDataLine_IsForwardedAsIs()
    {
        var frames = await ReadAllAsync("data: hello, not json\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: [DONE]\n\n");

        Assert.Equal(2, frames.Count);
        Assert.Equal("hello, not json"u8.ToArray(), frames[0].Data.ToArray());
        Assert.Null(frames[0].Text);
        Assert.Null(frames[0].Error);
    }

    [Fact]
    public async Task ErrorEventMidStream_YieldsFrameWithError()
    {
        var frames = await ReadAllAsync(Fixture.Stream("openai/chat_stream_error_midway.sse"));

        Assert.Equal("Par", frames[0].Text);
        var failed = Assert.Single(frames, f => f.Error is not null);
        Assert.Equal("server_error", failed.Error!.Type);
        Assert.Equal("The server had an error while processing your request. Sorry about that!", failed.Error.Message);
    }

    [Fact]
    public async Task TruncatedStream_EndsWithoutThrowingAndKeepsCompleteEvents()
    {
        // The fixture stops in the middle of a JSON string, with no final newline and no [DONE].
        var frames = await ReadAllAsync(Fixture.Stream("openai/chat_stream_truncated.sse"));

        Assert.Equal(2, frames.Count);
        Assert.Equal("Once upon", Text(frames));
        Assert.All(frames, f => Assert.Null(f.Error));
    }

    [Fact]
    public async Task StreamWithoutDone_EndsAtEndOfInput()
    {
        var frames = await ReadAllAsync("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"last\"}}]}\n\n");

        Assert.Equal("last", Assert.Single(frames).Text);
    }

    [Fact]
    public async Task CompletionsStream_ReadsChoiceText()
    {
        var frames = await ReadAllAsync(Fixture.Stream("openai/completions_stream.sse"), RelayMode.Completions);

        Assert.Equal(3, frames.Count);
        Assert.Equal("This is a test", Text(frames));
    }

    [Fact]
    public async Task ReasoningAndToolCallDeltas_CountAsGeneratedText()
    {
        var frames = await ReadAllAsync(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"thinking\"}}]}\n\n" +
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":1}\"}}]}}]}\n\n" +
            "data: [DONE]\n\n");

        Assert.Equal(["thinking", "lookup{\"q\":1}"], frames.Select(f => f.Text));
    }

    [Fact]
    public async Task Cancellation_StopsReading()
    {
        var request = Fixture.Request("""{"model":"gpt-4o","stream":true,"messages":[]}""");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in _adaptor.ReadStreamAsync(Fixture.Stream("openai/chat_stream_with_usage.sse"), request, cancel.Token))
            {
            }
        });
    }
}
