using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Baidu;

namespace OneApi.Relay.Tests.Adaptors.Baidu;

/// <summary>Baidu's ERNIE API (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/jlil56u11) as OpenAI's, with its access tokens.</summary>
public sealed class ErnieTests
{
    private const int Baidu = 15;
    private const string Key = "ak-123|sk-456";

    private static UpstreamChannel Channel(string baseUrl = "", string key = Key) => new(1, Baidu, key, baseUrl, ChannelConfig.Empty);

    private static IChannelAdaptor Adaptor(BaiduTokenEndpoint? tokens = null, string model = "ERNIE-4.0-8K") =>
        TestAdaptors.For(Baidu, model, baidu: (tokens ?? new BaiduTokenEndpoint()).Tokens());

    private static HttpResponseMessage Answer(string fixture, string mediaType = "application/json") =>
        new(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes(fixture)) { Headers = { ContentType = new MediaTypeHeaderValue(mediaType) } } };

    [Fact]
    public void Chat_SystemIsItsOwnField_ModelPicksTheEndpoint_TokenIsInTheQuery()
    {
        var request = Fixture.Request("""
            {"model":"ernie-4.0-8k","max_tokens":30,"temperature":0.7,"top_p":0.5,"frequency_penalty":0.5,"user":"u1","stop":"END","messages":[
              {"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Tallest penguin?"}]}]}
            """);

        using var message = Adaptor(model: "ernie-4.0-8k").Build(request, Channel());

        Assert.Equal("https://aip.baidubce.com/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions_pro?access_token=24.token-1", message.RequestUri!.AbsoluteUri);
        Assert.Equal("""
            {"messages":[{"role":"user","content":"Tallest penguin?"}],"system":"Be brief.","temperature":0.7,"top_p":0.5,"user_id":"u1","penalty_score":1,"max_output_tokens":30,"stop":["END"],"stream":false}
            """, Fixture.BodyOf(message).ToJsonString());
    }

    [Theory]
    [InlineData("ERNIE-Speed-128K", "chat/ernie-speed-128k")]
    [InlineData("ERNIE-Lite-8K-0922", "chat/eb-instant")]
    [InlineData("ERNIE-3.5-8K", "chat/completions")]
    [InlineData("BLOOMZ-7B", "chat/bloomz_7b1")]
    public void Chat_GoesToOneApisEndpointForTheModel(string model, string path)
    {
        using var message = Adaptor(model: model).Build(Fixture.Request($$"""{"model":"{{model}}","messages":[]}"""), Channel());

        Assert.Equal("/rpc/2.0/ai_custom/v1/wenxinworkshop/" + path, message.RequestUri!.AbsolutePath);
    }

    [Fact]
    public void ChannelBaseUrl_ServesBothTheTokenExchangeAndTheCall()
    {
        var endpoint = new BaiduTokenEndpoint();

        using var message = Adaptor(endpoint).Build(Fixture.Request("""{"model":"ERNIE-4.0-8K","messages":[]}"""), Channel("https://qianfan.proxy.example/"));

        Assert.StartsWith("https://qianfan.proxy.example/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions_pro?", message.RequestUri!.AbsoluteUri);
        Assert.Equal("https://qianfan.proxy.example/oauth/2.0/token?grant_type=client_credentials&client_id=ak-123&client_secret=sk-456",
            endpoint.Requests.Single().AbsoluteUri);
    }

    [Fact]
    public async Task Answer_BecomesChatCompletion_CompletionIsTotalMinusPrompt()
    {
        using var response = Answer("baidu/chat.json");

        var answer = await Adaptor().ReadAnswerAsync(response, Fixture.Request("""{"model":"ERNIE-4.0-8K","messages":[]}"""), CancellationToken.None);

        var json = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal("The emperor penguin is the tallest.", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Equal(("stop", "as-bcmt5ct4iy"), ((string?)json["choices"]![0]!["finish_reason"], (string?)json["id"]));
        Assert.Equal(Usage.Of(12, 9), answer.Usage);
        Assert.Null(answer.Error);
    }

    [Fact]
    public async Task Stream_ResultsBecomeChunks_LastEventGivesFinishAndUsage()
    {
        var frames = await Adaptor().FramesAsync("baidu/stream.sse",
            Fixture.Request("""{"model":"ERNIE-4.0-8K","stream":true,"stream_options":{"include_usage":true},"messages":[]}"""));

        var chunks = frames.Select(f => JsonNode.Parse(f.Data.Span)!).ToList();
        Assert.Equal("The emperor penguin.", string.Concat(frames.Select(f => f.Text)));
        Assert.Equal([null, null, "stop"], chunks.Take(3).Select(c => (string?)c["choices"]![0]!["finish_reason"]));
        Assert.Equal("""{"prompt_tokens":12,"completion_tokens":4,"total_tokens":16}""", chunks[3]["usage"]!.ToJsonString());
        Assert.Equal(Usage.Of(12, 4), frames.Last().Usage);
    }

    [Fact]
    public async Task TruncatedStream_HasTheTextButNoUsage()
    {
        var frames = await Adaptor().FramesAsync("baidu/stream_truncated.sse", Fixture.Request("""{"model":"ERNIE-4.0-8K","stream":true,"messages":[]}"""));

        Assert.Equal("The emperor penguin", string.Concat(frames.Select(f => f.Text)));
        Assert.All(frames, f => Assert.Null(f.Usage));
    }

    [Fact]
    public async Task RefusalWithStatus200_IsAnErrorWithTheStatusItsCodeStandsFor()
    {
        using var response = Answer("baidu/error_qps.json");

        var error = await Adaptor().ReadRefusalAsync(response, CancellationToken.None);

        Assert.Equal((429, "Open api qps request limit reached", "18", "baidu_error"), (error!.StatusCode, error.Message, error.Code, error.Type));
    }

    [Fact]
    public async Task StreamAnswer_IsNoRefusal()
    {
        using var response = Answer("baidu/stream.sse", "text/event-stream");

        Assert.Null(await Adaptor().ReadRefusalAsync(response, CancellationToken.None));
    }

    [Fact]
    public async Task ExpiredToken_IsDropped_AndTheNextCallExchangesAgain()
    {
        var endpoint = new BaiduTokenEndpoint();
        var adaptor = Adaptor(endpoint);
        var request = Fixture.Request("""{"model":"ERNIE-4.0-8K","messages":[]}""");
        using var first = adaptor.Build(request, Channel());
        using var response = Answer("baidu/error_token_expired.json");
        var expired = (await adaptor.ReadRefusalAsync(response, CancellationToken.None))!;

        var retry = adaptor.DropsStaleCredential(Channel(), expired);
        using var second = adaptor.Build(request, Channel());

        Assert.True(retry);
        Assert.Equal(401, expired.StatusCode);
        Assert.EndsWith("access_token=24.token-2", second.RequestUri!.Query, StringComparison.Ordinal);
        Assert.Equal(2, endpoint.Exchanges);
    }

    [Fact]
    public void OtherErrors_AreNotWorthANewToken()
    {
        var adaptor = Adaptor();

        Assert.False(adaptor.DropsStaleCredential(Channel(), adaptor.ReadError(500, Fixture.Bytes("baidu/error_qps.json"))));
    }

    [Fact]
    public void ErrorStatus_KeepsBaidusMessage()
    {
        var error = Adaptor().ReadError(500, """{"error_code":336003,"error_msg":"the length of messages must be an odd number"}"""u8);

        Assert.Equal((400, "the length of messages must be an odd number"), (error.StatusCode, error.Message));
    }

    [Fact]
    public async Task Embeddings_GoAsInputToTheEmbeddingEndpoint_AndComeBackAsOpenAIsList()
    {
        var adaptor = Adaptor(model: "Embedding-V1");
        var request = Fixture.Request("""{"model":"Embedding-V1","input":["a","b"]}""", RelayMode.Embeddings);
        using var message = adaptor.Build(request, Channel());
        using var response = Answer("baidu/embeddings.json");

        var answer = await adaptor.ReadAnswerAsync(response, request, CancellationToken.None);

        Assert.Equal("/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/embedding-v1", message.RequestUri!.AbsolutePath);
        Assert.Equal("""{"input":["a","b"]}""", Fixture.BodyOf(message).ToJsonString());
        var json = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal(2, json["data"]!.AsArray().Count);
        Assert.Equal(-0.5, (double)json["data"]![1]!["embedding"]![1]!);
        Assert.Equal(Usage.Of(12, 0), answer.Usage);
    }
}

/// <summary>The access-token cache: one exchange per key, reused until an hour before it expires.</summary>
public sealed class BaiduAccessTokensTests
{
    private const string Base = "https://aip.baidubce.com";

    [Fact]
    public async Task Token_IsReusedUntilAnHourBeforeExpiry_ThenExchangedAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var endpoint = new BaiduTokenEndpoint();
        var tokens = endpoint.Tokens(time);

        var first = await tokens.GetAsync(Base, "ak|sk", CancellationToken.None);
        time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        var reused = await tokens.GetAsync(Base, "ak|sk", CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(2));
        var renewed = await tokens.GetAsync(Base, "ak|sk", CancellationToken.None);

        Assert.Equal(("24.token-1", "24.token-1", "24.token-2"), (first, reused, renewed));
    }

    [Fact]
    public async Task ConcurrentCallers_ShareOneExchange()
    {
        var endpoint = new BaiduTokenEndpoint(held: true);
        var tokens = endpoint.Tokens();

        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(() => tokens.GetAsync(Base, "ak|sk", CancellationToken.None))).ToArray();
        await Task.Delay(50);
        endpoint.Gate.SetResult();
        var got = await Task.WhenAll(callers);

        Assert.Equal(1, endpoint.Exchanges);
        Assert.All(got, t => Assert.Equal("24.token-1", t));
    }

    [Fact]
    public async Task EachKey_HasItsOwnToken()
    {
        var endpoint = new BaiduTokenEndpoint();
        var tokens = endpoint.Tokens();

        var a = await tokens.GetAsync(Base, "ak1|sk1", CancellationToken.None);
        var b = await tokens.GetAsync(Base, "ak2|sk2", CancellationToken.None);

        Assert.NotEqual(a, b);
        Assert.Equal(2, endpoint.Exchanges);
    }

    [Fact]
    public async Task RefusedExchange_Is401WithBaidusReason_AndIsTriedAgainNextTime()
    {
        var endpoint = new BaiduTokenEndpoint(refuse: true);
        var tokens = endpoint.Tokens();

        var error = await Assert.ThrowsAsync<RelayErrorException>(() => tokens.GetAsync(Base, "ak|sk", CancellationToken.None));
        await Assert.ThrowsAsync<RelayErrorException>(() => tokens.GetAsync(Base, "ak|sk", CancellationToken.None));

        Assert.Equal(401, error.Error.StatusCode);
        Assert.Contains("invalid_client: unknown client id", error.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, endpoint.Exchanges);
    }

    [Fact]
    public async Task KeyWithoutSecret_IsRefusedWithoutAnExchange()
    {
        var endpoint = new BaiduTokenEndpoint();

        var error = await Assert.ThrowsAsync<RelayErrorException>(() => endpoint.Tokens().GetAsync(Base, "only-the-api-key", CancellationToken.None));

        Assert.Equal(401, error.Error.StatusCode);
        Assert.Equal(0, endpoint.Exchanges);
    }
}
