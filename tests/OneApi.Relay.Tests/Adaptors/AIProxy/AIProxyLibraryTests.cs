using System.Net;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors.AIProxy;

/// <summary>AI Proxy's knowledge-base ask API (https://docs.aiproxy.io/dev/library) as one-api converts it.</summary>
public sealed class AIProxyLibraryTests
{
    private const int AIProxyLibrary = 21;
    private const string References = "\n\n参考文档：\n1. [ChatGPT 介绍](https://docs.example.com/chatgpt)\n";

    private static IChannelAdaptor Adaptor => TestAdaptors.For(AIProxyLibrary, "gpt-3.5-turbo");

    private static RelayRequest Request(bool stream = false) => Fixture.Request($$"""
        {"model":"gpt-3.5-turbo","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"What is ChatGPT?"}]}
        """);

    [Fact]
    public void Request_AsksTheChannelsLibrary_TheLastMessage()
    {
        var request = Fixture.Request("""
            {"model":"gpt-3.5-turbo","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is ChatGPT?"}]}
            """);

        using var message = Adaptor.Build(request, new UpstreamChannel(1, AIProxyLibrary, "ap-key", "", ChannelConfig.Empty with { LibraryId = "lib-1" }));

        Assert.Equal("https://api.aiproxy.io/api/library/ask", message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer ap-key", message.Headers.Authorization!.ToString());
        Assert.Equal("""{"model":"gpt-3.5-turbo","query":"What is ChatGPT?","stream":false,"libraryId":"lib-1"}""", Fixture.BodyOf(message).ToJsonString());
    }

    [Fact]
    public async Task Answer_IsFollowedByTheCitedDocuments_AndHasNoUsage()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes("aiproxy/chat.json")) };

        var answer = await Adaptor.ReadAnswerAsync(response, Request(), CancellationToken.None);

        Assert.Equal("ChatGPT 是 OpenAI 开发的对话模型。\n\n参考文档：\n1. [ChatGPT 介绍](https://docs.example.com/chatgpt)\n2. [OpenAI](https://docs.example.com/openai)\n",
            (string?)JsonNode.Parse(answer.Body.Span)!["choices"]![0]!["message"]!["content"]);
        Assert.Null(answer.Usage);
    }

    [Fact]
    public async Task Stream_ContentBecomesChunks_TheDocumentsComeLastWithStop()
    {
        var frames = await Adaptor.FramesAsync("aiproxy/stream.sse", Request(stream: true));

        var last = JsonNode.Parse(frames[^1].Data.Span)!["choices"]![0]!;
        Assert.Equal("ChatGPT 是 OpenAI 开发的对话模型。" + References, string.Concat(frames.Select(f => f.Text)));
        Assert.Equal(("stop", References), ((string?)last["finish_reason"], (string?)last["delta"]!["content"]));
    }

    [Fact]
    public async Task ErrCode_IsAnError_InAnswersAndStatuses()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes("aiproxy/error.json")) };

        var answer = await Adaptor.ReadAnswerAsync(response, Request(), CancellationToken.None);
        var refused = Adaptor.ReadError(401, Fixture.Bytes("aiproxy/error.json"));

        Assert.Equal((500, "invalid api key"), (answer.Error!.StatusCode, answer.Error.Message));
        Assert.Equal((401, "401"), (refused.StatusCode, refused.Code));
    }

    [Fact]
    public async Task TruncatedStream_KeepsWhatArrived()
    {
        var frames = await Adaptor.FramesAsync("aiproxy/stream_truncated.sse", Request(stream: true));

        Assert.Equal("ChatGPT 是", string.Concat(frames.Select(f => f.Text)));
        Assert.All(frames, f => Assert.Null(f.Usage));
    }
}
