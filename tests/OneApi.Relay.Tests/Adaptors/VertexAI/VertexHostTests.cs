using System.Net;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.VertexAI;

namespace OneApi.Relay.Tests.Adaptors.VertexAI;

/// <summary>One Vertex AI channel serving Gemini, Claude and Imagen by model, with one token source.</summary>
public sealed class VertexHostTests
{
    private readonly StubGoogleTokens _tokens = new();

    private static UpstreamChannel Channel(string key = "", string baseUrl = "", ChannelConfig? config = null) =>
        new(5, ChannelTypes.VertexAI, key, baseUrl, config ?? new ChannelConfig { Region = "europe-west4", VertexAiProjectId = "proj", VertexAiAdc = "{key}" });

    private IChannelAdaptor Adaptor(string model) => TestAdaptors.For(ChannelTypes.VertexAI, model, tokens: _tokens);

    [Fact]
    public async Task Gemini_GoesToTheGooglePublisher_WithTheGeminiBodyAsItIs()
    {
        var request = Fixture.Request("""{"model":"gemini-2.0-flash","stream":true,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}""");

        using var message = await Adaptor("gemini-2.0-flash").BuildRequestAsync(request, Channel(), CancellationToken.None);

        Assert.Equal("https://europe-west4-aiplatform.googleapis.com/v1/projects/proj/locations/europe-west4/publishers/google/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
            message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer token-for-{key}", message.Headers.Authorization!.ToString());
        var body = Fixture.BodyOf(message);
        Assert.Equal("Be brief.", (string?)body["system_instruction"]!["parts"]![0]!["text"]);
        Assert.Null(body["anthropic_version"]);
    }

    [Fact]
    public async Task Claude_GoesToTheAnthropicPublisher_AndTheChannelsBaseUrlReplacesGooglesHost()
    {
        var request = Fixture.Request("""{"model":"claude-sonnet-4-20250514","messages":[]}""");

        using var message = await Adaptor("claude-sonnet-4-20250514").BuildRequestAsync(request, Channel(baseUrl: "http://127.0.0.1:8/vertex/"), CancellationToken.None);

        Assert.Equal("http://127.0.0.1:8/vertex/v1/projects/proj/locations/europe-west4/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict",
            message.RequestUri!.OriginalString);
    }

    [Fact]
    public async Task KeyInOneApisConsoleForm_GivesRegionProjectAndServiceAccount()
    {
        var request = Fixture.Request("""{"model":"gemini-2.5-pro","messages":[]}""");
        var channel = Channel(key: """us-central1|from-key|{"type":"service_account","project_id":"ignored"}""", config: ChannelConfig.Empty);

        using var message = await Adaptor("gemini-2.5-pro").BuildRequestAsync(request, channel, CancellationToken.None);

        Assert.Equal("https://us-central1-aiplatform.googleapis.com/v1/projects/from-key/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent",
            message.RequestUri!.AbsoluteUri);
        Assert.Equal("""Bearer token-for-{"type":"service_account","project_id":"ignored"}""", message.Headers.Authorization!.ToString());
    }

    [Fact]
    public void BareServiceAccountKey_NamesTheProject_InTheDefaultRegion()
    {
        var account = VertexAccount.Of(Channel(key: """{"type":"service_account","project_id":"sa-project"}""", config: ChannelConfig.Empty));

        Assert.Equal(("us-central1", "sa-project"), (account.Region, account.Project));
    }

    [Fact]
    public async Task Imagen_IsAPredictCall_OnTheChannelsBaseUrl()
    {
        var media = (IMediaAdaptor)Adaptor("imagen-3.0-generate-002");
        using var body = new StringContent("""{"model":"imagen-3.0-generate-002","prompt":"a red fox in snow","n":2,"size":"1792x1024","response_format":"url"}""");

        using var message = await media.BuildMediaRequestAsync(RelayMode.ImagesGenerations, "imagen-3.0-generate-002", body,
            Channel(baseUrl: "http://127.0.0.1:8"), CancellationToken.None);

        Assert.Equal("http://127.0.0.1:8/v1/projects/proj/locations/europe-west4/publishers/google/models/imagen-3.0-generate-002:predict", message.RequestUri!.AbsoluteUri);
        Assert.Equal("""{"instances":[{"prompt":"a red fox in snow"}],"parameters":{"sampleCount":2,"aspectRatio":"16:9"}}""", Fixture.BodyOf(message).ToJsonString());
    }

    [Fact]
    public async Task ImagenPredictions_BecomeB64JsonImages()
    {
        var media = (IMediaAdaptor)Adaptor("imagen-3.0-generate-002");
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes("vertexai/imagen_predict.json")) };

        var answer = await media.ReadMediaAnswerAsync(response, RelayMode.ImagesGenerations, CancellationToken.None);

        var json = JsonNode.Parse(answer!.Body.Span)!;
        Assert.Equal(2, json["data"]!.AsArray().Count);
        Assert.StartsWith("iVBORw0KGgo", (string?)json["data"]![0]!["b64_json"], StringComparison.Ordinal);
        Assert.NotNull(json["created"]);
    }

    [Fact]
    public async Task OpenAIMediaAnswers_PassThrough()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };

        Assert.Null(await ((IMediaAdaptor)TestAdaptors.OpenAI()).ReadMediaAnswerAsync(response, RelayMode.ImagesGenerations, CancellationToken.None));
    }

    [Theory]
    [InlineData("gemini-2.0-flash", RelayMode.ChatCompletions, true)]
    [InlineData("gemini-2.0-flash", RelayMode.Embeddings, false)]
    [InlineData("claude-3-7-sonnet-20250219", RelayMode.ChatCompletions, true)]
    [InlineData("imagen-3.0-generate-002", RelayMode.ImagesGenerations, true)]
    [InlineData("imagen-3.0-generate-002", RelayMode.ChatCompletions, false)]
    public void Modes_ServedPerModel(string model, RelayMode mode, bool served) => Assert.Equal(served, Adaptor(model).Supports(mode));

    [Fact]
    public void GeminiErrorOnVertex_ReadsGooglesShape()
    {
        var error = Adaptor("gemini-2.0-flash").ReadError(403, """{"error":{"code":403,"message":"Permission denied on resource project proj.","status":"PERMISSION_DENIED"}}"""u8);

        Assert.Equal((403, "permission_error", "PERMISSION_DENIED"), (error.StatusCode, error.Type, error.Code));
    }
}
