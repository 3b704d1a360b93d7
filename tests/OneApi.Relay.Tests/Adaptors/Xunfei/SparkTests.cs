using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Xunfei;

namespace OneApi.Relay.Tests.Adaptors.Xunfei;

/// <summary>Xunfei Spark's WebSocket chat (https://www.xfyun.cn/doc/spark/Web.html) as OpenAI's.</summary>
public sealed class SparkTests
{
    private const int Xunfei = 18;
    private const string ApiSecret = "MjlmNzkzNmZkMDQ2OTc0ZDdmNGE2ZTZi";
    private const string ApiKey = "addd2272b6d8b7c8abdd79531420ca3b";

    // Xunfei's worked example (https://www.xfyun.cn/doc/spark/general_url_authentication.html).
    private const string PublishedAuthorization =
        "YXBpX2tleT0iYWRkZDIyNzJiNmQ4YjdjOGFiZGQ3OTUzMTQyMGNhM2IiLCBhbGdvcml0aG09ImhtYWMtc2hhMjU2IiwgaGVhZGVycz0iaG9zdCBkYXRlIHJlcXVlc3QtbGluZSIsIHNp" +
        "Z25hdHVyZT0iejVnSGR1M3B4VlY0QURNeWs0Njd3T1dEUTlxNkJRelIzbmZNVGpjL0RhUT0i";

    private static readonly DateTimeOffset ExampleDate = new(2023, 5, 5, 10, 43, 39, TimeSpan.Zero);

    private static IChannelAdaptor Adaptor(string model = "Spark-Max") => TestAdaptors.For(Xunfei, model, time: new FakeTimeProvider(ExampleDate));

    private static UpstreamChannel Channel(string key = $"app1|{ApiSecret}|{ApiKey}", string apiVersion = "") =>
        new(1, Xunfei, key, "", ChannelConfig.Empty with { ApiVersion = apiVersion });

    private static RelayRequest Request(bool stream = false, string model = "Spark-Max") => Fixture.Request($$"""
        {"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"你好"}]}
        """);

    private static HttpResponseMessage Answer(string fixture) => new(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes(fixture)) };

    [Fact]
    public void Signature_MatchesXunfeisPublishedExample()
    {
        Assert.Equal("Fri, 05 May 2023 10:43:39 GMT", SparkSignature.Date(ExampleDate));
        Assert.Equal(PublishedAuthorization, SparkSignature.Authorization(ApiKey, ApiSecret, "spark-api.xf-yun.com", "/v1.1/chat", "Fri, 05 May 2023 10:43:39 GMT"));
    }

    [Fact]
    public void Request_GoesToTheSignedWebSocketUrl_WithAppIdDomainAndMessages()
    {
        var request = Fixture.Request("""
            {"model":"Spark-Lite","max_tokens":100,"temperature":0.5,"messages":[{"role":"system","content":"Be brief."},
             {"role":"user","content":[{"type":"text","text":"你好"}]}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
            """);

        using var message = Adaptor("Spark-Lite").Build(request, Channel());

        var query = Fixture.ParseQuery(message.RequestUri!.Query);
        Assert.Equal("https://spark-api.xf-yun.com/v1.1/chat", message.RequestUri.GetLeftPart(UriPartial.Path));
        Assert.Equal((PublishedAuthorization, "Fri, 05 May 2023 10:43:39 GMT", "spark-api.xf-yun.com"), (query["authorization"], query["date"], query["host"]));
        Assert.Equal("""
            {"parameter":{"chat":{"domain":"lite","temperature":0.5,"max_tokens":100}},"payload":{"message":{"text":[{"role":"system","content":"Be brief."},{"role":"user","content":"你好"}]}},"header":{"app_id":"app1"}}
            """, Fixture.BodyOf(message).ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Theory]
    [InlineData("Spark-Pro", "", "/v3.1/chat", "generalv3")]
    [InlineData("Spark-Pro-128K", "", "/chat/pro-128k", "pro-128k")]
    [InlineData("Spark-Max-32K", "", "/chat/max-32k", "max-32k")]
    [InlineData("Spark-4.0-Ultra", "", "/v4.0/chat", "4.0Ultra")]
    [InlineData("SparkDesk-v3.5", "", "/v3.5/chat", "generalv3.5")]
    [InlineData("SparkDesk", "v2.1", "/v2.1/chat", "generalv2")]
    [InlineData("SparkDesk", "", "/v1.1/chat", "lite")]
    public void Model_OrTheChannelsApiVersion_PicksPathAndDomain(string model, string apiVersion, string path, string domain)
    {
        using var message = Adaptor(model).Build(Request(model: model), Channel(apiVersion: apiVersion));

        Assert.Equal((path, domain), (message.RequestUri!.AbsolutePath, (string?)Fixture.BodyOf(message)["parameter"]!["chat"]!["domain"]));
    }

    [Fact]
    public void Tools_GoAsFunctions_ToTheVersionsThatTakeThem()
    {
        var request = Fixture.Request("""
            {"model":"Spark-Max","messages":[{"role":"user","content":"天气"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
            """);

        using var message = Adaptor().Build(request, Channel());

        Assert.Equal("get_weather", (string?)Fixture.BodyOf(message)["payload"]!["functions"]!["text"]![0]!["name"]);
    }

    [Fact]
    public void KeyWithoutThreeParts_IsRefusedBeforeSending()
    {
        var error = Assert.Throws<RelayErrorException>(() => Adaptor().Build(Request(), Channel(key: "just-a-key")));

        Assert.Equal(401, error.Error.StatusCode);
    }

    [Fact]
    public async Task Answer_IsTheFramesJoined_BilledByTheLastFramesUsage()
    {
        using var response = Answer("xunfei/stream.jsonl");

        var answer = await Adaptor().ReadAnswerAsync(response, Request(), CancellationToken.None);

        var json = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal("你好！我是讯飞星火。", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Equal(("stop", "chatcmpl-cht000cb087@dx18793cd421fb894542"), ((string?)json["choices"]![0]!["finish_reason"], (string?)json["id"]));
        Assert.Equal(Usage.Of(5, 9), answer.Usage);
    }

    [Fact]
    public async Task Stream_FramesBecomeChunks_LastGivesFinishAndUsage()
    {
        var frames = await Adaptor().FramesAsync("xunfei/stream.jsonl", Request(stream: true));

        var chunks = frames.Select(f => JsonNode.Parse(f.Data.Span)!).ToList();
        Assert.Equal("你好！我是讯飞星火。", string.Concat(frames.Select(f => f.Text)));
        Assert.Equal("stop", (string?)chunks[2]["choices"]![0]!["finish_reason"]);
        Assert.Equal("""{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}""", chunks[3]["usage"]!.ToJsonString());
    }

    [Fact]
    public async Task FunctionCall_BecomesAToolCall()
    {
        using var response = Answer("xunfei/function_call.jsonl");

        var answer = await Adaptor().ReadAnswerAsync(response, Request(), CancellationToken.None);

        var choice = JsonNode.Parse(answer.Body.Span)!["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        Assert.Equal(("get_weather", """{"location":"合肥"}"""),
            ((string?)choice["message"]!["tool_calls"]![0]!["function"]!["name"], (string?)choice["message"]!["tool_calls"]![0]!["function"]!["arguments"]));
    }

    [Fact]
    public async Task ErrorFrame_IsAnErrorWithXunfeisCode_InAnswersAndStreams()
    {
        using var response = Answer("xunfei/error.jsonl");

        var answer = await Adaptor().ReadAnswerAsync(response, Request(), CancellationToken.None);
        var frames = await Adaptor().FramesAsync("xunfei/error.jsonl", Request(stream: true));

        Assert.Equal(400, answer.Error!.StatusCode);
        Assert.Contains("code 10013", answer.Error.Message, StringComparison.Ordinal);
        Assert.Equal(answer.Error, frames.Single().Error);
    }

    [Fact]
    public async Task TruncatedStream_HasTheTextButNoUsage_AndATruncatedAnswerIsAnError()
    {
        var frames = await Adaptor().FramesAsync("xunfei/stream_truncated.jsonl", Request(stream: true));
        using var response = Answer("xunfei/stream_truncated.jsonl");
        var answer = await Adaptor().ReadAnswerAsync(response, Request(), CancellationToken.None);

        Assert.Equal("你好！我是讯飞星火", string.Concat(frames.Select(f => f.Text)));
        Assert.All(frames, f => Assert.Null(f.Usage));
        Assert.Equal(RelayErrorKind.UpstreamMalformed, answer.Error!.Kind);
    }

    [Fact]
    public void RefusedHandshake_KeepsStatusAndXunfeisMessage()
    {
        var error = Adaptor().ReadError(401, """{"message":"HMAC signature does not match"}"""u8);

        Assert.Equal((401, "HMAC signature does not match"), (error.StatusCode, error.Message));
    }
}
