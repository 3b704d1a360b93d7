using System.Net;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors.Coze;

/// <summary>A Coze bot through the v3 chat API (https://www.coze.com/docs/developer_guides/chat_v3) as OpenAI's chat.</summary>
public sealed class CozeTests
{
    private const int Coze = 34;
    private const string Model = "bot-7379462189365198898";

    private static IChannelAdaptor Adaptor => TestAdaptors.For(Coze, Model);

    private static RelayRequest Request(bool stream = false) => Fixture.Request($$"""
        {"model":"{{Model}}","stream":{{(stream ? "true" : "false")}},"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Weather?"}]}
        """);

    private static HttpResponseMessage Answer(string fixture, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new ByteArrayContent(Fixture.Bytes(fixture)) };

    [Fact]
    public void Request_NamesTheBot_SendsTheTurns_AndAlwaysStreams()
    {
        var request = Fixture.Request("""
            {"model":"bot-7379462189365198898","user":"u-42","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},
             {"role":"assistant","content":"Hello."},{"role":"user","content":[{"type":"text","text":"Weather?"}]}]}
            """);

        using var message = Adaptor.Build(request, new UpstreamChannel(1, Coze, "pat_token", "", ChannelConfig.Empty));

        Assert.Equal("https://api.coze.com/v3/chat", message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer pat_token", message.Headers.Authorization!.ToString());
        Assert.Equal("""
            {"bot_id":"7379462189365198898","user_id":"u-42","stream":true,"auto_save_history":false,"additional_messages":[{"role":"user","content":"Be brief.","content_type":"text"},{"role":"user","content":"Hi","content_type":"text"},{"role":"assistant","content":"Hello.","content_type":"text"},{"role":"user","content":"Weather?","content_type":"text"}]}
            """, Fixture.BodyOf(message).ToJsonString());
    }

    [Fact]
    public void ChannelUserId_IsTheCozeUser()
    {
        using var message = Adaptor.Build(Request(), new UpstreamChannel(1, Coze, "pat_token", "", ChannelConfig.Empty with { UserId = "operator" }));

        Assert.Equal("operator", (string?)Fixture.BodyOf(message)["user_id"]);
    }

    [Fact]
    public async Task Answer_IsTheAnswerDeltasGathered_BilledByChatCompletedUsage()
    {
        using var response = Answer("coze/stream.sse");

        var answer = await Adaptor.ReadAnswerAsync(response, Request(), CancellationToken.None);

        var json = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal(("It is sunny.", "stop"), ((string?)json["choices"]![0]!["message"]!["content"], (string?)json["choices"]![0]!["finish_reason"]));
        Assert.Equal("chatcmpl-7382159487131697202", (string?)json["id"]);
        Assert.Equal(Usage.Of(614, 19), answer.Usage);
    }

    [Fact]
    public async Task Stream_AnswerDeltasBecomeChunks_ChatCompletedGivesFinishAndUsage()
    {
        var frames = await Adaptor.FramesAsync("coze/stream.sse", Request(stream: true));

        var chunks = frames.Select(f => JsonNode.Parse(f.Data.Span)!).ToList();
        Assert.Equal("It is sunny.", string.Concat(frames.Select(f => f.Text)));
        Assert.Equal(4, chunks.Count);
        Assert.Equal("stop", (string?)chunks[2]["choices"]![0]!["finish_reason"]);
        Assert.Equal("""{"prompt_tokens":614,"completion_tokens":19,"total_tokens":633}""", chunks[3]["usage"]!.ToJsonString());
    }

    [Fact]
    public async Task ErrorEvent_EndsTheStreamWithCozesError()
    {
        var frames = await Adaptor.FramesAsync("coze/error_event.sse", Request(stream: true));

        Assert.Equal((400, "Request parameter error (code 4000)"), (frames.Single().Error!.StatusCode, frames.Single().Error!.Message));
    }

    [Fact]
    public async Task JsonRefusal_IsAnError_AsAStatusOrInsteadOfAStream()
    {
        var refused = Adaptor.ReadError(401, Fixture.Bytes("coze/error.json"));
        var frames = await Adaptor.FramesAsync("coze/error.json", Request(stream: true));
        using var response = Answer("coze/error.json");
        var answer = await Adaptor.ReadAnswerAsync(response, Request(), CancellationToken.None);

        Assert.Equal((401, "authentication is invalid (code 4100)"), (refused.StatusCode, refused.Message));
        Assert.Equal(refused, frames.Single().Error);
        Assert.Equal(refused, answer.Error);
    }

    [Fact]
    public async Task TruncatedStream_HasTheTextOfWholeEventsButNoUsage()
    {
        var frames = await Adaptor.FramesAsync("coze/stream_truncated.sse", Request(stream: true));
        using var response = Answer("coze/stream_truncated.sse");
        var answer = await Adaptor.ReadAnswerAsync(response, Request(), CancellationToken.None);

        Assert.Equal("It is ", string.Concat(frames.Select(f => f.Text))); // the cut-off last event is not an event
        Assert.All(frames, f => Assert.Null(f.Usage));
        Assert.Equal(RelayErrorKind.UpstreamMalformed, answer.Error!.Kind);
    }
}
