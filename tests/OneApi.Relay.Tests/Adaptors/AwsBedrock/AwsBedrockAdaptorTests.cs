using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.AwsBedrock;

namespace OneApi.Relay.Tests.Adaptors.AwsBedrock;

/// <summary>Claude on Bedrock: the Messages body in Bedrock's envelope, signed; answers and event streams read back.</summary>
public sealed class AwsBedrockAdaptorTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly IChannelAdaptor _adaptor = TestAdaptors.For(ChannelTypes.AwsClaude, "claude-3-7-sonnet-20250219", time: new FixedTime(Now));

    private static UpstreamChannel Channel(string region = "us-west-2", string baseUrl = "") =>
        new(9, ChannelTypes.AwsClaude, "", baseUrl, new ChannelConfig { Ak = "AKIDEXAMPLE", Sk = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Region = region });

    [Theory]
    [InlineData("claude-3-7-sonnet-20250219", "us-east-1", "us.anthropic.claude-3-7-sonnet-20250219-v1:0")]
    [InlineData("claude-3-7-sonnet-20250219", "eu-central-1", "eu.anthropic.claude-3-7-sonnet-20250219-v1:0")]
    [InlineData("claude-3-5-sonnet-20241022", "ap-northeast-1", "apac.anthropic.claude-3-5-sonnet-20241022-v2:0")]
    [InlineData("claude-3-5-haiku-20241022", "eu-west-1", "anthropic.claude-3-5-haiku-20241022-v1:0")]
    [InlineData("claude-2.1", "us-east-1", "anthropic.claude-v2:1")]
    [InlineData("claude-3-opus-20240229", "us-gov-west-1", "anthropic.claude-3-opus-20240229-v1:0")]
    [InlineData("eu.anthropic.claude-sonnet-4-20250514-v1:0", "us-east-1", "eu.anthropic.claude-sonnet-4-20250514-v1:0")]
    public void ModelIds_UseTheRegionsCrossRegionProfileWhenThereIsOne(string model, string region, string expected)
    {
        Assert.Equal(expected, BedrockModelIds.For(model, region));
    }

    [Fact]
    public void Request_IsInvokeWithBedrockEnvelope_AndSigned()
    {
        var request = Fixture.Request("""{"model":"claude-3-7-sonnet-20250219","max_tokens":500,"messages":[{"role":"user","content":"Hi"}]}""");

        using var message = _adaptor.Build(request, Channel());

        Assert.Equal("https://bedrock-runtime.us-west-2.amazonaws.com/model/us.anthropic.claude-3-7-sonnet-20250219-v1%3A0/invoke", message.RequestUri!.AbsoluteUri);
        var body = Fixture.BodyOf(message);
        Assert.Equal("bedrock-2023-05-31", (string?)body["anthropic_version"]);
        Assert.Null(body["model"]);
        Assert.Null(body["stream"]);
        Assert.Equal(500, (int)body["max_tokens"]!);
        Assert.Equal("20250301T100000Z", message.Headers.GetValues("x-amz-date").Single());
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250301/us-west-2/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=",
            message.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void StreamRequest_UsesInvokeWithResponseStream_AndKeyFormAkSkRegionWorks()
    {
        var request = Fixture.Request("""{"model":"claude-3-haiku-20240307","stream":true,"messages":[]}""");
        var channel = new UpstreamChannel(9, ChannelTypes.AwsClaude, "AK|SK|eu-west-3", "", ChannelConfig.Empty);

        using var message = _adaptor.Build(request, channel);

        Assert.Equal("https://bedrock-runtime.eu-west-3.amazonaws.com/model/eu.anthropic.claude-3-haiku-20240307-v1%3A0/invoke-with-response-stream", message.RequestUri!.AbsoluteUri);
        Assert.Contains("Credential=AK/20250301/eu-west-3/bedrock/", message.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_IsClaudesMessage()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes("anthropic/message_tool_use.json")) };

        var answer = await _adaptor.ReadAnswerAsync(response, Fixture.Request("""{"model":"claude-3-7-sonnet-20250219","messages":[]}"""), CancellationToken.None);

        Assert.Equal(Usage.Of(384, 94), answer.Usage);
        Assert.Equal("get_weather", (string?)JsonNode.Parse(answer.Body.Span)!["choices"]![0]!["message"]!["tool_calls"]![0]!["function"]!["name"]);
    }

    /// <summary>The documented Messages stream, each event wrapped as Bedrock sends it: a "chunk" event whose payload is {"bytes": base64}.</summary>
    public static MemoryStream EventStream(string sseFixture, Action<MemoryStream>? after = null, int? stopAfter = null)
    {
        var stream = new MemoryStream();
        var data = Encoding.UTF8.GetString(Fixture.Bytes(sseFixture)).Split('\n')
            .Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..]).ToList();
        foreach (var json in data.Take(stopAfter ?? data.Count))
        {
            var payload = $$"""{"bytes":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(json))}}","p":"abcd"}""";
            stream.Write(AwsEventStream.Encode([new(":event-type", "chunk"), new(":content-type", "application/json"), new(":message-type", "event")], Encoding.UTF8.GetBytes(payload)));
        }
        after?.Invoke(stream);
        stream.Position = 0;
        return stream;
    }

    private async Task<List<StreamFrame>> ReadAsync(Stream stream, string query = "")
    {
        var frames = new List<StreamFrame>();
        var request = Fixture.Request("""{"model":"claude-3-7-sonnet-20250219","stream":true,"messages":[]}""", query: query);
        await foreach (var frame in _adaptor.ReadStreamAsync(stream, request, CancellationToken.None))
        {
            frames.Add(frame);
        }
        return frames;
    }

    [Fact]
    public async Task ThinkingStream_InEventStreamFrames_ReadsLikeAnthropics()
    {
        var frames = await ReadAsync(EventStream("anthropic/stream_thinking.sse"), "reasoning_format=reasoning_content");

        var reasoning = string.Concat(frames.Where(f => !f.Data.IsEmpty)
            .Select(f => (string?)JsonNode.Parse(f.Data.Span)!["choices"]?[0]?["delta"]?["reasoning_content"]));
        Assert.StartsWith("Let me solve this step by step", reasoning, StringComparison.Ordinal);
        Assert.Equal(reasoning + "27 * 453 = 12,231", string.Concat(frames.Select(f => f.Text)));
        Assert.Equal(Usage.Of(36, 28), frames.Single(f => f.Usage is not null).Usage);
    }

    [Fact]
    public async Task ExceptionMessage_EndsTheStreamWithItsError()
    {
        var stream = EventStream("anthropic/stream_with_usage.sse", s => s.Write(AwsEventStream.Encode(
            [new(":exception-type", "throttlingException"), new(":content-type", "application/json"), new(":message-type", "exception")],
            """{"message":"Too many requests, please wait before trying again."}"""u8)), stopAfter: 4);

        var frames = await ReadAsync(stream);

        var error = frames[^1].Error!;
        Assert.Equal((429, "rate_limit_error"), (error.StatusCode, error.Type));
        Assert.Contains("Too many requests", error.Message, StringComparison.Ordinal);
        Assert.Equal("Hello", string.Concat(frames.Select(f => f.Text)));
    }

    [Fact]
    public async Task BadCrcMidStream_EndsTheStreamWithAnError()
    {
        var good = EventStream("anthropic/stream_with_usage.sse", stopAfter: 4).ToArray();
        var bad = AwsEventStream.Encode([new(":message-type", "event"), new(":event-type", "chunk")], """{"bytes":"e30="}"""u8);
        bad[^1] ^= 0x01;

        var frames = await ReadAsync(new MemoryStream([.. good, .. bad]));

        Assert.Contains("message CRC mismatch", frames[^1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal("Hello", string.Concat(frames.Select(f => f.Text)));
    }

    [Fact]
    public void ErrorBody_IsBedrocksMessage()
    {
        var error = _adaptor.ReadError(400, """{"message":"The provided model identifier is invalid."}"""u8);

        Assert.Equal((400, "invalid_request_error", "The provided model identifier is invalid."), (error.StatusCode, error.Type, error.Message));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>More of the documented Claude transcripts, framed as Bedrock streams them.</summary>
public sealed class AwsBedrockStreamTests
{
    private static async Task<List<StreamFrame>> ReadAsync(Stream stream)
    {
        var frames = new List<StreamFrame>();
        var request = Fixture.Request("""{"model":"claude-3-haiku-20240307","stream":true,"messages":[]}""");
        await foreach (var frame in TestAdaptors.For(ChannelTypes.AwsClaude, "claude-3-7-sonnet-20250219").ReadStreamAsync(stream, request, CancellationToken.None))
        {
            frames.Add(frame);
        }
        return frames;
    }

    [Fact]
    public async Task ToolUseStream_StreamsToolCallArguments()
    {
        var frames = await ReadAsync(AwsBedrockAdaptorTests.EventStream("anthropic/stream_tool_use.sse"));

        var calls = frames.Where(f => !f.Data.IsEmpty).Select(f => JsonNode.Parse(f.Data.Span)!["choices"]?[0]?["delta"]?["tool_calls"]?[0]).Where(c => c is not null).ToList();
        Assert.Equal("get_weather", (string?)calls[0]!["function"]!["name"]);
        Assert.Equal("""{"location": "San Francisco, CA", "unit": "fahrenheit"}""", string.Concat(calls.Select(c => (string?)c!["function"]!["arguments"])));
        Assert.Equal(Usage.Of(472, 89), frames.Single(f => f.Usage is not null).Usage);
    }

    [Fact]
    public async Task StreamCutBetweenFrames_EndsQuietlyWithoutUsage()
    {
        var frames = await ReadAsync(AwsBedrockAdaptorTests.EventStream("anthropic/stream_with_usage.sse", stopAfter: 5));

        Assert.Equal("Hello!", string.Concat(frames.Select(f => f.Text)));
        Assert.All(frames, f => Assert.Null(f.Usage));
        Assert.All(frames, f => Assert.Null(f.Error));
    }
}
