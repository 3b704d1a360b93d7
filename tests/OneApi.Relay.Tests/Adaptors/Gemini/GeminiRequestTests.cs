using System.Net;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors;
using OneApi.Relay.Adaptors.Gemini;
using OneApi.Relay.Images;

namespace OneApi.Relay.Tests.Adaptors.Gemini;

/// <summary>OpenAI requests as Gemini's generateContent and batchEmbedContents bodies, at Google AI Studio's URLs.</summary>
public sealed class GeminiRequestTests
{
    private static readonly UpstreamChannel Channel = new(7, ChannelTypes.Gemini, "AIza-key", "", ChannelConfig.Empty);

    private static IChannelAdaptor Adaptor(GeminiOptions? options = null, UserImageFetcher? images = null) =>
        TestAdaptors.For(ChannelTypes.Gemini, "gemini-2.0-flash", WireFormatSettings.Default with { Gemini = options ?? GeminiOptions.Default, Images = images });

    private static JsonObject BodyOf(string json, string query = "") => Fixture.BodyOf(Adaptor().Build(Fixture.Request(json, query: query), Channel));

    [Fact]
    public void Chat_GoesToGenerateContentOfV1beta_WithTheKeyInXGoogApiKey()
    {
        using var message = Adaptor().Build(Fixture.Request("""{"model":"gemini-2.0-flash","messages":[{"role":"user","content":"Hi"}]}"""), Channel);

        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent", message.RequestUri!.AbsoluteUri);
        Assert.Equal("AIza-key", message.Headers.GetValues("x-goog-api-key").Single());
        Assert.Null(message.Headers.Authorization);
    }

    [Fact]
    public void Stream_UsesStreamGenerateContentWithSse_OnTheChannelsBaseUrlAndVersion()
    {
        var channel = Channel with { BaseUrl = "http://127.0.0.1:9/proxy/", Config = new ChannelConfig { ApiVersion = "v1" } };

        using var message = Adaptor().Build(Fixture.Request("""{"model":"gemini-2.5-pro","stream":true,"messages":[]}"""), channel);

        Assert.Equal("http://127.0.0.1:9/proxy/v1/models/gemini-2.5-pro:streamGenerateContent?alt=sse", message.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void GeminiVersion_IsTheDefaultVersion()
    {
        var adaptor = Adaptor(new GeminiOptions { Version = "v1alpha" });

        using var message = adaptor.Build(Fixture.Request("""{"model":"gemini-2.0-flash","messages":[]}"""), Channel);

        Assert.StartsWith("https://generativelanguage.googleapis.com/v1alpha/", message.RequestUri!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_SystemBecomesSystemInstruction_WithoutADummyModelTurn_AndAssistantIsModel()
    {
        var body = BodyOf("""
            {"model":"gemini-2.0-flash","messages":[
              {"role":"system","content":"You are a cat."},
              {"role":"user","content":"Hello"},
              {"role":"assistant","content":"Meow."},
              {"role":"user","content":[{"type":"text","text":"Again"}]}]}
            """);

        Assert.Equal("""{"parts":[{"text":"You are a cat."}]}""", body["system_instruction"]!.ToJsonString());
        Assert.Equal("""[{"role":"user","parts":[{"text":"Hello"}]},{"role":"model","parts":[{"text":"Meow."}]},{"role":"user","parts":[{"text":"Again"}]}]""",
            body["contents"]!.ToJsonString());
    }

    [Fact]
    public void SafetySettings_UseGeminiSafetySettingForEveryCategory()
    {
        var adaptor = Adaptor(new GeminiOptions { SafetySetting = "BLOCK_ONLY_HIGH" });

        var body = Fixture.BodyOf(adaptor.Build(Fixture.Request("""{"model":"gemini-2.0-flash","messages":[]}"""), Channel));

        var settings = body["safetySettings"]!.AsArray();
        Assert.Equal(5, settings.Count);
        Assert.All(settings, s => Assert.Equal("BLOCK_ONLY_HIGH", (string?)s!["threshold"]));
        Assert.Contains(settings, s => (string?)s!["category"] == "HARM_CATEGORY_DANGEROUS_CONTENT");
    }

    [Fact]
    public void GenerationConfig_CarriesSamplingLimitsStopsAndJsonMode()
    {
        var body = BodyOf("""
            {"model":"gemini-2.0-flash","messages":[],"temperature":0.3,"top_p":0.9,"max_tokens":256,"stop":"END","n":2,"seed":7,
             "response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string"}}}}}}
            """);

        var config = body["generationConfig"]!;
        Assert.Equal(0.3, (double)config["temperature"]!);
        Assert.Equal(0.9, (double)config["topP"]!);
        Assert.Equal(256, (int)config["maxOutputTokens"]!);
        Assert.Equal("""["END"]""", config["stopSequences"]!.ToJsonString());
        Assert.Equal(2, (int)config["candidateCount"]!);
        Assert.Equal(7, (int)config["seed"]!);
        Assert.Equal("application/json", (string?)config["responseMimeType"]);
        Assert.Equal("""{"type":"object","properties":{"a":{"type":"string"}}}""", config["responseSchema"]!.ToJsonString());
    }

    [Fact]
    public void Tools_BecomeFunctionDeclarations_AndToolChoiceAFunctionCallingMode()
    {
        var body = BodyOf("""
            {"model":"gemini-2.0-flash","messages":[],"tool_choice":{"type":"function","function":{"name":"get_weather"}},
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather of a city","strict":true,
               "parameters":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
              {"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}}]}
            """);

        Assert.Equal("""[{"functionDeclarations":[{"name":"get_weather","description":"Weather of a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},{"name":"now"}]}]""",
            body["tools"]!.ToJsonString());
        Assert.Equal("""{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}}""", body["toolConfig"]!.ToJsonString());
    }

    [Fact]
    public void ToolTurns_BecomeFunctionCallsAndOneContentOfFunctionResponses()
    {
        var body = BodyOf("""
            {"model":"gemini-2.0-flash","messages":[
              {"role":"user","content":"Weather in Boston and Paris?"},
              {"role":"assistant","content":null,"tool_calls":[
                {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Boston\"}"}},
                {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"{\"temp\":20}"},
              {"role":"tool","tool_call_id":"call_2","content":"sunny"}]}
            """);

        var contents = body["contents"]!.AsArray();
        Assert.Equal(3, contents.Count);
        Assert.Equal("""{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Boston"}}},{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]}""",
            contents[1]!.ToJsonString());
        Assert.Equal("""{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp":20}}},{"functionResponse":{"name":"get_weather","response":{"content":"sunny"}}}]}""",
            contents[2]!.ToJsonString());
    }

    [Fact]
    public async Task Images_DataUrlsAndFetchedUrlsAreInlined_UnfetchableOnesGoAsFileData()
    {
        var handler = new StubHandler(request => request.RequestUri!.Host == "img.example.com"
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2]) }
            : new HttpResponseMessage(HttpStatusCode.NotFound));
        var adaptor = Adaptor(images: new UserImageFetcher(new HttpClient(handler), new OutboundAddressPolicy([], SystemHostResolver.Instance),
            new UserContentLimits { Timeout = TimeSpan.FromSeconds(2) }));
        var request = Fixture.Request("""
            {"model":"gemini-2.0-flash","messages":[{"role":"user","content":[
              {"type":"text","text":"Compare"},
              {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/AA=="}},
              {"type":"image_url","image_url":{"url":"https://img.example.com/a.png"}},
              {"type":"image_url","image_url":{"url":"https://gone.example.com/b.png"}},
              {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}]}]}
            """);

        using var message = await adaptor.BuildRequestAsync(request, Channel, CancellationToken.None);

        Assert.Equal("""[{"text":"Compare"},{"inlineData":{"mimeType":"image/jpeg","data":"/9j/AA=="}},{"inlineData":{"mimeType":"image/png","data":"iVBORwEC"}},{"fileData":{"fileUri":"https://gone.example.com/b.png"}},{"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}}]""",
            Fixture.BodyOf(message)["contents"]![0]!["parts"]!.ToJsonString());
    }

    [Theory]
    [InlineData("gemini-2.5-flash", "?reasoning_format=reasoning_content", """{"includeThoughts":true}""")]
    [InlineData("gemini-2.0-flash-thinking-exp-01-21", "?thinking", """{"includeThoughts":true}""")]
    [InlineData("gemini-2.5-pro", "", null)]
    [InlineData("gemini-2.0-flash", "?reasoning_format=thinking", null)]
    public void Thoughts_AreAskedForWhenTheClientWantsReasoningFromAThinkingModel(string model, string query, string? expected)
    {
        var body = BodyOf($$"""{"model":"{{model}}","messages":[]}""", query);

        Assert.Equal(expected, body["generationConfig"]?["thinkingConfig"]?.ToJsonString());
    }

    [Fact]
    public void ReasoningEffort_SetsA25ThinkingBudget()
    {
        var body = BodyOf("""{"model":"gemini-2.5-flash","reasoning_effort":"low","messages":[]}""");

        Assert.Equal("""{"includeThoughts":true,"thinkingBudget":1024}""", body["generationConfig"]!["thinkingConfig"]!.ToJsonString());
    }

    [Fact]
    public void Embeddings_GoToBatchEmbedContents_OneRequestPerInput()
    {
        var adaptor = TestAdaptors.For(ChannelTypes.Gemini, "text-embedding-004");
        var request = Fixture.Request("""{"model":"text-embedding-004","input":["first","second"],"dimensions":256}""", RelayMode.Embeddings);

        using var message = adaptor.Build(request, Channel);

        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:batchEmbedContents", message.RequestUri!.AbsoluteUri);
        Assert.Equal("""{"requests":[{"model":"models/text-embedding-004","content":{"parts":[{"text":"first"}]},"outputDimensionality":256},{"model":"models/text-embedding-004","content":{"parts":[{"text":"second"}]},"outputDimensionality":256}]}""",
            Fixture.BodyOf(message).ToJsonString());
    }

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
