using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Tencent;

namespace OneApi.Relay.Tests.Adaptors.Tencent;

/// <summary>Tencent Hunyuan's ChatCompletions (https://cloud.tencent.com/document/api/1729/105701) and GetEmbedding as OpenAI's.</summary>
public sealed class HunyuanTests
{
    private const int Tencent = 23;
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_715_145_428);

    private static IChannelAdaptor Adaptor => TestAdaptors.For(Tencent, "hunyuan-lite", time: new FakeTimeProvider(Now));

    private static UpstreamChannel Channel(string key = "1250000000|AKIDsecretid|secretkey", string region = "") =>
        new(1, Tencent, key, "", ChannelConfig.Empty with { Region = region });

    private static RelayRequest Request(bool stream = false) => Fixture.Request($$"""
        {"model":"hunyuan-lite","stream":{{(stream ? "true" : "false")}},"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"你好"}]}
        """);

    private static RelayRequest EmbeddingRequest() =>
        Fixture.Request("""{"model":"hunyuan-embedding","input":["你好","世界"]}""", RelayMode.Embeddings);

    [Fact]
    public void Signature_MatchesTencentsPublishedExample()
    {
        // The worked example of Tencent Cloud's "Signature v3" (a CVM DescribeInstances call).
        var payload = """{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"""u8;

        var authorization = TencentSignature.Authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "cvm", 1551113065,
            [("Content-Type", "application/json; charset=utf-8"), ("Host", "cvm.tencentcloudapi.com")], payload);

        Assert.Equal("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, " +
            "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168", authorization);
    }

    [Fact]
    public async Task Request_IsTheSignedChatCompletionsAction_WithPascalCaseBody()
    {
        var request = Fixture.Request("""
            {"model":"hunyuan-lite","temperature":0.7,"top_p":0.9,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"你好"}]}
            """);

        using var message = Adaptor.Build(request, Channel(region: "ap-guangzhou"));

        var body = await message.Content!.ReadAsByteArrayAsync();
        Assert.Equal("https://hunyuan.tencentcloudapi.com/", message.RequestUri!.AbsoluteUri);
        Assert.Equal(("ChatCompletions", "2023-09-01", "1715145428", "ap-guangzhou"),
            (Header(message, "X-TC-Action"), Header(message, "X-TC-Version"), Header(message, "X-TC-Timestamp"), Header(message, "X-TC-Region")));
        Assert.Equal(TencentSignature.Authorization("AKIDsecretid", "secretkey", "hunyuan", 1_715_145_428,
            [("content-type", "application/json"), ("host", "hunyuan.tencentcloudapi.com"), ("x-tc-action", "chatcompletions")], body), Header(message, "Authorization"));
        Assert.Equal("""
            {"Model":"hunyuan-lite","Messages":[{"Role":"system","Content":"Be brief."},{"Role":"user","Content":"你好"}],"Stream":false,"Temperature":0.7,"TopP":0.9}
            """, Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void KeyWithoutThreeParts_IsRefusedBeforeSending()
    {
        var error = Assert.Throws<RelayErrorException>(() => Adaptor.Build(Request(), Channel(key: "secretid|secretkey")));

        Assert.Equal(401, error.Error.StatusCode);
    }

    [Fact]
    public async Task Answer_BecomesChatCompletion_BilledByHunyuansUsage()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes("tencent/chat.json")) };

        var answer = await Adaptor.ReadAnswerAsync(response, Request(), CancellationToken.None);

        var json = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal(("你好！有什么可以帮你的吗？", "stop"), ((string?)json["choices"]![0]!["message"]!["content"], (string?)json["choices"]![0]!["finish_reason"]));
        Assert.Equal(Usage.Of(3, 9), answer.Usage);
    }

    [Fact]
    public async Task ErrorInA200Answer_IsAnErrorWithTencentsCodeAsStatus()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes("tencent/error.json")) };

        var answer = await Adaptor.ReadAnswerAsync(response, Request(), CancellationToken.None);

        Assert.Equal((401, "AuthFailure.SignatureFailure"), (answer.Error!.StatusCode, answer.Error.Code));
        Assert.StartsWith("The provided credentials could not be validated", answer.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_DeltasBecomeChunks_TheStopEventGivesFinishAndUsage()
    {
        var frames = await Adaptor.FramesAsync("tencent/stream.sse", Request(stream: true));

        var chunks = frames.Select(f => JsonNode.Parse(f.Data.Span)!).ToList();
        Assert.Equal("你好！有什么可以帮你的吗？", string.Concat(frames.Select(f => f.Text)));
        Assert.All(chunks, c => Assert.Equal("0ea3d2b2-a4f6-4c1b-9e2d-3f4a5b6c7d8e", (string?)c["id"]));
        Assert.Equal("stop", (string?)chunks[2]["choices"]![0]!["finish_reason"]);
        Assert.Equal("""{"prompt_tokens":3,"completion_tokens":9,"total_tokens":12}""", chunks[3]["usage"]!.ToJsonString());
    }

    [Fact]
    public async Task StreamRefusedWithAJsonError_IsOneErrorFrame()
    {
        var frames = await Adaptor.FramesAsync("tencent/error.json", Request(stream: true));

        Assert.Equal(401, frames.Single().Error!.StatusCode);
    }

    [Fact]
    public async Task TruncatedStream_HasTheTextButNoUsage()
    {
        var frames = await Adaptor.FramesAsync("tencent/stream_truncated.sse", Request(stream: true));

        Assert.Equal("你好", string.Concat(frames.Select(f => f.Text)));
        Assert.All(frames, f => Assert.Null(f.Usage));
    }

    [Fact]
    public async Task Embeddings_AreTheSignedGetEmbeddingAction_WithTheInputsAsInputList()
    {
        using var message = Adaptor.Build(EmbeddingRequest(), Channel());

        var body = await message.Content!.ReadAsByteArrayAsync();
        Assert.Equal(("GetEmbedding", "2023-09-01"), (Header(message, "X-TC-Action"), Header(message, "X-TC-Version")));
        Assert.Equal(TencentSignature.Authorization("AKIDsecretid", "secretkey", "hunyuan", 1_715_145_428,
            [("content-type", "application/json"), ("host", "hunyuan.tencentcloudapi.com"), ("x-tc-action", "getembedding")], body), Header(message, "Authorization"));
        Assert.Equal("""{"InputList":["你好","世界"]}""", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task EmbeddingAnswer_BecomesOpenAIsListInIndexOrder_BilledByPromptTokens()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes("tencent/embedding.json")) };

        var answer = await Adaptor.ReadAnswerAsync(response, EmbeddingRequest(), CancellationToken.None);

        var json = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal(("list", "hunyuan-embedding"), ((string?)json["object"], (string?)json["model"]));
        Assert.Equal("""[{"object":"embedding","index":0,"embedding":[0.75,0.0625,-1]},{"object":"embedding","index":1,"embedding":[0.5,-0.25,0.125]}]""",
            json["data"]!.ToJsonString());
        Assert.Equal("""{"prompt_tokens":6,"completion_tokens":0,"total_tokens":6}""", json["usage"]!.ToJsonString());
        Assert.Equal(Usage.Of(6, 0), answer.Usage);
    }

    [Theory]
    [InlineData("tencent/error.json", 401)]
    [InlineData("tencent/chat.json", 502)]
    public async Task EmbeddingAnswerWithoutData_IsAnError(string fixture, int status)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes(fixture)) };

        var answer = await Adaptor.ReadAnswerAsync(response, EmbeddingRequest(), CancellationToken.None);

        Assert.Equal(status, answer.Error!.StatusCode);
        Assert.Null(answer.Usage);
    }

    private static string? Header(HttpRequestMessage message, string name) =>
        message.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
