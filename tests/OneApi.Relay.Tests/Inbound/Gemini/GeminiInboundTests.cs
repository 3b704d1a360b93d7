using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Inbound.Gemini;
using OneApi.Relay.Tests.Conformance;

namespace OneApi.Relay.Tests.Inbound.Gemini;

/// <summary>
/// Gemini's API as a client speaks it: requests in Google's documented shapes read as chat, answers of converted
/// channels written back as <c>GenerateContentResponse</c>s, and Gemini channels given the client's body as it is.
/// </summary>
public sealed class GeminiInboundTests
{
    private const string Model = "gemini-2.0-flash";
    private static readonly UpstreamChannel GeminiChannel = new(7, ChannelTypes.Gemini, "AIza-key", "", ChannelConfig.Empty);

    private static (RelayRequest? Request, RelayError? Error) TryRead(string json, GeminiMethod method = GeminiMethod.GenerateContent, string model = Model)
    {
        var api = GeminiClientApi.For(method);
        return api.ReadRequest(api.Mode, Fixture.Json(json), model, new Dictionary<string, string>());
    }

    private static RelayRequest Read(string json, GeminiMethod method = GeminiMethod.GenerateContent, string model = Model)
    {
        var (request, error) = TryRead(json, method, model);
        Assert.Null(error);
        return request!;
    }

    private static HttpResponseMessage Ok(string body) => new(HttpStatusCode.OK) { Content = new StringContent(body) };

    private static HttpResponseMessage Ok(byte[] body) => new(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };

    [Fact]
    public void Request_DocumentedShape_BecomesChat()
    {
        // https://ai.google.dev/api/generate-content#request-body, with snake_case where Google's samples use it.
        var request = Read("""
            {"system_instruction":{"parts":[{"text":"You are a cat."},{"text":"Your name is Neko."}]},
             "contents":[
               {"role":"user","parts":[{"text":"What is this?"},{"inline_data":{"mime_type":"image/jpeg","data":"/9j/AAA="}}]},
               {"role":"model","parts":[{"text":"thinking…","thought":true},{"text":"A cat."}]},
               {"role":"user","parts":[{"inlineData":{"mimeType":"audio/mp3","data":"SUQz"}},{"fileData":{"mimeType":"image/png","fileUri":"https://x/a.png"}},{"fileData":{"mimeType":"application/pdf","fileUri":"gs://b/doc.pdf"}}]}],
             "generationConfig":{"temperature":0.5,"topP":0.9,"topK":40,"maxOutputTokens":800,"stopSequences":["END"],"candidateCount":1,
                                 "thinkingConfig":{"thinkingBudget":2048,"includeThoughts":true}}}
            """);

        var body = request.Body;
        var messages = body["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => (string?)m!["role"]));
        Assert.Equal("You are a cat.\nYour name is Neko.", (string?)messages[0]!["content"]);
        Assert.Equal("data:image/jpeg;base64,/9j/AAA=", (string?)messages[1]!["content"]![1]!["image_url"]!["url"]);
        Assert.Equal("A cat.", (string?)messages[2]!["content"]);
        Assert.Equal(("SUQz", "mp3"), ((string?)messages[3]!["content"]![0]!["input_audio"]!["data"], (string?)messages[3]!["content"]![0]!["input_audio"]!["format"]));
        Assert.Equal("https://x/a.png", (string?)messages[3]!["content"]![1]!["image_url"]!["url"]);
        Assert.Equal(2, messages[3]!["content"]!.AsArray().Count); // the PDF in Google's storage is Gemini's alone
        Assert.Equal((0.5, 0.9, 40, 1), ((double)body["temperature"]!, (double)body["top_p"]!, (int)body["top_k"]!, (int)body["n"]!));
        Assert.Equal("""["END"]""", body["stop"]!.ToJsonString());
        Assert.Equal("medium", (string?)body["reasoning_effort"]);
        Assert.Equal(800, request.MaxTokens);
        Assert.False(request.IsStream);
        Assert.Equal(Model, (string?)body["model"]);
    }

    [Fact]
    public void Request_Streamed_AsksForUsage()
    {
        var request = Read("""{"contents":[{"parts":[{"text":"hi"}]}]}""", GeminiMethod.StreamGenerateContent);

        Assert.True(request.IsStream);
        Assert.True(request.ClientWantsStreamUsage);
        Assert.Equal("""[{"role":"user","content":[{"type":"text","text":"hi"}]}]""", request.Body["messages"]!.ToJsonString());
    }

    [Fact]
    public void Request_FunctionDeclarationsCallsAndResponses_BecomeToolsAndToolMessages()
    {
        // https://ai.google.dev/gemini-api/docs/function-calling: a call without an id, answered by name.
        var body = Read("""
            {"contents":[
               {"role":"user","parts":[{"text":"Dim the lights."}]},
               {"role":"model","parts":[{"functionCall":{"name":"set_light_values","args":{"brightness":25,"color_temp":"warm"}}}]},
               {"role":"user","parts":[{"functionResponse":{"name":"set_light_values","response":{"brightness":25,"colorTemperature":"warm"}}}]}],
             "tools":[{"functionDeclarations":[{"name":"set_light_values","description":"Sets the lights.",
                 "parameters":{"type":"OBJECT","properties":{"brightness":{"type":"INTEGER"},"color_temp":{"type":"STRING","enum":["daylight","cool","warm"],"nullable":true}},"required":["brightness"]}}]},
               {"googleSearch":{}}],
             "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["set_light_values"]}}}
            """).Body;

        var messages = body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool"], messages.Select(m => (string?)m!["role"]));
        var call = messages[1]!["tool_calls"]![0]!;
        Assert.Equal("set_light_values", (string?)call["function"]!["name"]);
        Assert.Equal(25, (int)JsonNode.Parse((string)call["function"]!["arguments"]!)!["brightness"]!);
        Assert.Equal((string?)call["id"], (string?)messages[2]!["tool_call_id"]);
        Assert.Equal(25, (int)JsonNode.Parse((string)messages[2]!["content"]!)!["brightness"]!);
        var tool = Assert.Single(body["tools"]!.AsArray())!;
        var parameters = tool["function"]!["parameters"]!;
        Assert.Equal(("object", "integer"), ((string?)parameters["type"], (string?)parameters["properties"]!["brightness"]!["type"]));
        Assert.Equal("""["string","null"]""", parameters["properties"]!["color_temp"]!["type"]!.ToJsonString());
        Assert.Equal("set_light_values", (string?)body["tool_choice"]!["function"]!["name"]);
    }

    [Fact]
    public void Request_ResponseSchema_BecomesJsonSchemaFormat()
    {
        // https://ai.google.dev/gemini-api/docs/structured-output
        var body = Read("""
            {"contents":[{"parts":[{"text":"List a few cookie recipes."}]}],
             "generationConfig":{"responseMimeType":"application/json",
               "responseSchema":{"type":"ARRAY","items":{"type":"OBJECT","properties":{"recipeName":{"type":"STRING"}},"propertyOrdering":["recipeName"]}}}}
            """).Body;

        var format = body["response_format"]!;
        Assert.Equal("json_schema", (string?)format["type"]);
        var schema = format["json_schema"]!["schema"]!;
        Assert.Equal(("array", "object", "string"), ((string?)schema["type"], (string?)schema["items"]!["type"], (string?)schema["items"]!["properties"]!["recipeName"]!["type"]));
        Assert.Equal("""{"type":"json_object"}""", Read("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"responseMimeType":"application/json"}}""").Body["response_format"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"contents":[]}""", GeminiMethod.GenerateContent, "contents")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"maxOutputTokens":-5}}""", GeminiMethod.GenerateContent, "maxOutputTokens")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generation_config":{"candidate_count":1.5}}""", GeminiMethod.GenerateContent, "candidateCount")]
    [InlineData("""{"model":"models/text-embedding-004"}""", GeminiMethod.EmbedContent, "content")]
    [InlineData("""{"requests":[]}""", GeminiMethod.BatchEmbedContents, "requests")]
    public void Request_Invalid_IsRefusedWith400NamingTheField(string json, GeminiMethod method, string named)
    {
        var (request, error) = TryRead(json, method);

        Assert.Null(request);
        Assert.Equal(400, error!.StatusCode);
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Request_Embeddings_BecomeOneInputPerContent()
    {
        var single = Read("""{"model":"models/text-embedding-004","content":{"parts":[{"text":"What is the meaning of life?"}]},"outputDimensionality":256}""",
            GeminiMethod.EmbedContent, "text-embedding-004");
        var batch = Read("""{"requests":[{"model":"models/text-embedding-004","content":{"parts":[{"text":"a"}]}},{"model":"models/text-embedding-004","content":{"parts":[{"text":"b"}]}}]}""",
            GeminiMethod.BatchEmbedContents, "text-embedding-004");

        Assert.Equal((RelayMode.Embeddings, """["What is the meaning of life?"]""", 256), (single.Mode, single.Body["input"]!.ToJsonString(), (int)single.Body["dimensions"]!));
        Assert.Equal("""["a","b"]""", batch.Body["input"]!.ToJsonString());
    }

    [Fact]
    public async Task Answer_FromClaude_ThoughtTextAndCallBecomeParts()
    {
        var request = Read("""{"contents":[{"parts":[{"text":"x"}]}]}""", model: "claude-3-7-sonnet-20250219");
        var adaptor = GeminiClientApi.For(GeminiMethod.GenerateContent).Adapt(TestAdaptors.Anthropic(), request, GeminiChannel with { Type = ChannelTypes.Anthropic });
        using var response = Ok("""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-x","stop_reason":"tool_use",
             "content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
             "usage":{"input_tokens":30,"output_tokens":9}}
            """);

        var answer = await adaptor.ReadAnswerAsync(response, request, CancellationToken.None);

        var result = JsonNode.Parse(answer.Body.Span)!;
        GoogleSchema.AssertValid("GenerateContentResponse", result);
        var candidate = result["candidates"]![0]!;
        var parts = candidate["content"]!["parts"]!.AsArray();
        Assert.Equal(("hmm", true), ((string?)parts[0]!["text"], (bool)parts[0]!["thought"]!));
        Assert.Equal("Checking.", (string?)parts[1]!["text"]);
        Assert.Equal(("toolu_1", "get_weather", "Paris"), ((string?)parts[2]!["functionCall"]!["id"], (string?)parts[2]!["functionCall"]!["name"], (string?)parts[2]!["functionCall"]!["args"]!["city"]));
        Assert.Equal(("STOP", "model"), ((string?)candidate["finishReason"], (string?)candidate["content"]!["role"]));
        Assert.Equal((30, 9, 39), ((int)result["usageMetadata"]!["promptTokenCount"]!, (int)result["usageMetadata"]!["candidatesTokenCount"]!, (int)result["usageMetadata"]!["totalTokenCount"]!));
        Assert.Equal(Usage.Of(30, 9), answer.Usage);
    }

    [Fact]
    public async Task Answer_CutOffAndWithReasoningTokens_IsMaxTokensWithThoughtsCounted()
    {
        var request = Read("""{"contents":[{"parts":[{"text":"x"}]}]}""", model: "o3-mini");
        var adaptor = GeminiClientApi.Instance.Adapt(TestAdaptors.OpenAI(), request);
        using var response = Ok("""
            {"id":"c1","object":"chat.completion","created":1,"model":"o3-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Par"},"finish_reason":"length"}],
             "usage":{"prompt_tokens":10,"completion_tokens":50,"total_tokens":60,"completion_tokens_details":{"reasoning_tokens":40},"prompt_tokens_details":{"cached_tokens":4}}}
            """);

        var result = JsonNode.Parse((await adaptor.ReadAnswerAsync(response, request, CancellationToken.None)).Body.Span)!;

        GoogleSchema.AssertValid("GenerateContentResponse", result);
        Assert.Equal("MAX_TOKENS", (string?)result["candidates"]![0]!["finishReason"]);
        var usage = result["usageMetadata"]!;
        Assert.Equal((10, 10, 40, 4, 60), ((int)usage["promptTokenCount"]!, (int)usage["candidatesTokenCount"]!, (int)usage["thoughtsTokenCount"]!,
            (int)usage["cachedContentTokenCount"]!, (int)usage["totalTokenCount"]!));
    }

    [Fact]
    public async Task Stream_ChatChunks_BecomePartialResponsesWithTheCallAndUsageLast()
    {
        var request = Read("""{"contents":[{"parts":[{"text":"x"}]}]}""", GeminiMethod.StreamGenerateContent, "gpt-4o");
        var adaptor = GeminiClientApi.For(GeminiMethod.StreamGenerateContent).Adapt(TestAdaptors.OpenAI(), request);

        var frames = await adaptor.ReadAllAsync(ChatTranscript.ReasoningTextAndToolCall("tool_calls", "Hi", " there"), request);

        var events = frames.Where(f => !f.Data.IsEmpty).Select(f => (f.Event, Json: JsonNode.Parse(f.Data.Span)!)).ToList();
        Assert.All(events, e => Assert.Null(e.Event));
        Assert.All(events, e => GoogleSchema.AssertValid("GenerateContentResponse", e.Json));
        var parts = events.Select(e => e.Json["candidates"]![0]!["content"]!["parts"]![0]!).ToList();
        Assert.Equal(("think", true), ((string?)parts[0]["text"], (bool)parts[0]["thought"]!));
        Assert.Equal(["Hi", " there"], parts[1..3].Select(p => (string?)p["text"]));
        var last = events[^1].Json;
        Assert.Equal(("call_1", "f", 1), ((string?)parts[3]["functionCall"]!["id"], (string?)parts[3]["functionCall"]!["name"], (int)parts[3]["functionCall"]!["args"]!["a"]!));
        Assert.Equal("STOP", (string?)last["candidates"]![0]!["finishReason"]);
        Assert.Equal((5, 7, 12), ((int)last["usageMetadata"]!["promptTokenCount"]!, (int)last["usageMetadata"]!["candidatesTokenCount"]!, (int)last["usageMetadata"]!["totalTokenCount"]!));
        Assert.All(events.SkipLast(1), e => Assert.Null(e.Json["usageMetadata"]));
        Assert.Equal(Usage.Of(5, 7), frames.Last(f => f.Usage is not null).Usage);
    }

    [Fact]
    public async Task Stream_ErrorMidway_EndsWithGooglesErrorBody()
    {
        var request = Read("""{"contents":[{"parts":[{"text":"x"}]}]}""", GeminiMethod.StreamGenerateContent, "gpt-4o");
        var adaptor = GeminiClientApi.For(GeminiMethod.StreamGenerateContent).Adapt(TestAdaptors.OpenAI(), request);

        var frames = await adaptor.FramesAsync("openai/chat_stream_error_midway.sse", request);

        var last = frames[^1];
        Assert.NotNull(last.Error);
        GoogleSchema.AssertValid("Status", JsonNode.Parse(last.Data.Span));
    }

    [Fact]
    public async Task GeminiChannel_GetsTheClientsBody_WithTheMappedModelInTheUrl()
    {
        var json = """{"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}],"cachedContent":"cachedContents/abc"}""";
        var request = Read(json, GeminiMethod.StreamGenerateContent);
        request.MapModel("gemini-2.5-flash");
        var adaptor = GeminiClientApi.For(GeminiMethod.StreamGenerateContent).Adapt(TestAdaptors.For(ChannelTypes.Gemini, Model), request, GeminiChannel);

        using var message = adaptor.Build(request, GeminiChannel);

        Assert.EndsWith("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", message.RequestUri!.ToString());
        Assert.Equal("AIza-key", message.Headers.GetValues("x-goog-api-key").Single());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), Fixture.BodyOf(message)));
    }

    [Fact]
    public async Task GeminiChannel_Answer_PassesThroughWithItsUsage()
    {
        var request = Read("""{"contents":[{"parts":[{"text":"x"}]}]}""");
        var adaptor = GeminiClientApi.Instance.Adapt(TestAdaptors.For(ChannelTypes.Gemini, Model), request, GeminiChannel);
        var upstream = Fixture.Bytes("gemini/generate_content_thinking.json");
        using var response = Ok(upstream);

        var answer = await adaptor.ReadAnswerAsync(response, request, CancellationToken.None);

        Assert.Equal(upstream, answer.Body.ToArray());
        var usage = JsonNode.Parse(upstream)!["usageMetadata"]!;
        Assert.Equal(Usage.Of((int)usage["promptTokenCount"]!, (int)usage["candidatesTokenCount"]! + (int)usage["thoughtsTokenCount"]!), answer.Usage);
    }

    [Fact]
    public async Task GeminiChannel_Stream_PassesEventsThrough_BilledFromTheFinishingOne()
    {
        var request = Read("""{"contents":[{"parts":[{"text":"x"}]}]}""", GeminiMethod.StreamGenerateContent);
        var adaptor = GeminiClientApi.For(GeminiMethod.StreamGenerateContent).Adapt(TestAdaptors.For(ChannelTypes.Gemini, Model), request, GeminiChannel);

        var frames = await adaptor.FramesAsync("gemini/stream_thinking.sse", request);

        Assert.Equal(2, frames.Count);
        Assert.Equal("A clock.", (string?)JsonNode.Parse(frames[1].Data.Span)!["candidates"]![0]!["content"]!["parts"]![0]!["text"]);
        Assert.Null(frames[0].Usage);
        Assert.Equal(Usage.Of(12, 131), frames[1].Usage);
    }

    [Fact]
    public async Task GeminiChannel_EmbedContent_GoesAsABatchOfOne_AndComesBackSingle()
    {
        var request = Read("""{"content":{"parts":[{"text":"hello"}]},"taskType":"RETRIEVAL_QUERY"}""", GeminiMethod.EmbedContent, "text-embedding-004");
        var api = GeminiClientApi.For(GeminiMethod.EmbedContent);
        var adaptor = api.Adapt(TestAdaptors.For(ChannelTypes.Gemini, "text-embedding-004"), request, GeminiChannel);

        using var message = adaptor.Build(request, GeminiChannel);
        using var response = Ok("""{"embeddings":[{"values":[0.1,0.2]}]}""");
        var answer = await adaptor.ReadAnswerAsync(response, request, CancellationToken.None);

        Assert.EndsWith("/models/text-embedding-004:batchEmbedContents", message.RequestUri!.ToString());
        Assert.Equal("""{"requests":[{"content":{"parts":[{"text":"hello"}]},"taskType":"RETRIEVAL_QUERY","model":"models/text-embedding-004"}]}""", Fixture.BodyOf(message).ToJsonString());
        Assert.Equal("""{"embedding":{"values":[0.1,0.2]}}""", Encoding.UTF8.GetString(answer.Body.Span));
    }

    [Fact]
    public void VertexChannel_GeminiModel_GetsTheClientsBodyAtItsPublisherUrl()
    {
        const string json = """{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":512}}}""";
        var request = Read(json, GeminiMethod.StreamGenerateContent, "gemini-2.5-flash");
        var vertex = new UpstreamChannel(9, ChannelTypes.VertexAI, "", "", new ChannelConfig { Region = "us-central1", VertexAiProjectId = "proj", VertexAiAdc = "{key}" });
        var adaptor = GeminiClientApi.For(GeminiMethod.StreamGenerateContent).Adapt(TestAdaptors.For(ChannelTypes.VertexAI, "gemini-2.5-flash"), request, vertex);

        using var message = adaptor.Build(request, vertex);

        Assert.Equal("https://us-central1-aiplatform.googleapis.com/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            message.RequestUri!.AbsoluteUri);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), Fixture.BodyOf(message)));
    }

    [Fact]
    public void ClaudeChannel_ThinkingBudget_GoesAsClaudesThinking()
    {
        var request = Read("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"maxOutputTokens":4000,"thinkingConfig":{"thinkingBudget":2048,"includeThoughts":true}}}""",
            model: "claude-3-7-sonnet-20250219");
        var anthropic = GeminiChannel with { Type = ChannelTypes.Anthropic };
        var adaptor = GeminiClientApi.Instance.Adapt(TestAdaptors.Anthropic(), request, anthropic);

        using var message = adaptor.Build(request, anthropic);

        var body = Fixture.BodyOf(message);
        Assert.Equal(("enabled", 2048, 4000), ((string?)body["thinking"]!["type"], (int)body["thinking"]!["budget_tokens"]!, (int)body["max_tokens"]!));
    }

    [Theory]
    [InlineData(GeminiMethod.EmbedContent, "EmbedContentResponse")]
    [InlineData(GeminiMethod.BatchEmbedContents, "BatchEmbedContentsResponse")]
    public async Task ConvertedEmbeddings_HaveGooglesShape(GeminiMethod method, string schema)
    {
        var json = method == GeminiMethod.EmbedContent
            ? """{"content":{"parts":[{"text":"a"}]}}"""
            : """{"requests":[{"content":{"parts":[{"text":"a"}]}},{"content":{"parts":[{"text":"b"}]}}]}""";
        var request = Read(json, method, "text-embedding-3-small");
        var adaptor = GeminiClientApi.For(method).Adapt(TestAdaptors.OpenAI(), request);
        using var response = Ok("""
            {"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.3]},{"object":"embedding","index":0,"embedding":[0.1,0.2]}],
             "model":"text-embedding-3-small","usage":{"prompt_tokens":2,"total_tokens":2}}
            """);

        var result = JsonNode.Parse((await adaptor.ReadAnswerAsync(response, request, CancellationToken.None)).Body.Span)!;

        GoogleSchema.AssertValid(schema, result);
        var first = method == GeminiMethod.EmbedContent ? result["embedding"]! : result["embeddings"]![0]!;
        Assert.Equal("[0.1,0.2]", first["values"]!.ToJsonString());
    }

    [Theory]
    [InlineData(400, "INVALID_ARGUMENT")]
    [InlineData(401, "UNAUTHENTICATED")]
    [InlineData(403, "PERMISSION_DENIED")]
    [InlineData(404, "NOT_FOUND")]
    [InlineData(429, "RESOURCE_EXHAUSTED")]
    [InlineData(500, "INTERNAL")]
    [InlineData(502, "INTERNAL")]
    [InlineData(503, "UNAVAILABLE")]
    public void Error_IsGooglesStatusBody(int status, string name)
    {
        var body = JsonNode.Parse(GeminiClientApi.Instance.SerializeError(new RelayError(RelayErrorKind.UpstreamStatus, status, "boom", "x"), "req-1"))!;

        GoogleSchema.AssertValid("Status", body);
        Assert.Equal((status, name, "boom (request id: req-1)"), ((int)body["error"]!["code"]!, (string?)body["error"]!["status"], (string?)body["error"]!["message"]));
    }
}
