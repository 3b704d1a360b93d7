using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Inbound;

/// <summary>
/// Raw Gemini API calls (https://ai.google.dev/api) against <c>/v1beta</c>, as the google-genai SDKs send them:
/// relayed to a Gemini channel (type 24) as they are, converted for an OpenAI channel, billed to the unit either way.
/// </summary>
public sealed class GeminiInboundTests(ClientApiPool pool) : IClassFixture<ClientApiPool>
{
    private const string Gemini = "gemini-2.0-flash";
    private const string Gpt = "gpt-4o-mini";
    private const string Hello = """{"contents":[{"role":"user","parts":[{"text":"Hello"}]}],"generationConfig":{"maxOutputTokens":300}}""";

    private Task<TestAccount> GeminiAccountAsync(string scenario = "text", string model = Gemini) =>
        pool.AccountAsync(model, 24, pool.Gemini, scenario);

    private Task<TestAccount> OpenAIAccountAsync(string scenario, string model = Gpt, long tokenQuota = 1_000_000_000, long userQuota = 1_000_000_000) =>
        pool.AccountAsync(model, 1, group => pool.OpenAI.BaseUrl(group, scenario), userQuota, tokenQuota);

    /// <summary>Posts <paramref name="json"/> to <c>/v1beta/models/{target}</c> with the key in <c>x-goog-api-key</c> (or in the query when <paramref name="key"/> is null).</summary>
    private async Task<(HttpStatusCode Status, string Text, string? ContentType)> PostAsync(string target, string json, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/" + target)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Add("x-goog-api-key", key);
        }
        using var response = await pool.Gateway.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    private static List<JsonNode> Events(string sse) =>
        sse.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l["data: ".Length..])!).ToList();

    private static string Text(JsonNode response) =>
        string.Concat(response["candidates"]![0]!["content"]!["parts"]!.AsArray().Where(p => p!["thought"] is null).Select(p => (string?)p!["text"]));

    private async Task<Log?> ConsumeLogAsync(TestAccount account)
    {
        await using var db = await pool.Gateway.DbAsync();
        return await db.Logs.SingleOrDefaultAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
    }

    private static void AssertGoogleError(string text, int code, string status)
    {
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.Equal((code, status), ((int)error["code"]!, (string?)error["status"]));
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
    }

    [Fact]
    public async Task GeminiChannel_GenerateContent_RelaysTheBodyAsItIs_AndBillsUsageMetadata()
    {
        var account = await GeminiAccountAsync();

        var (status, text, _) = await PostAsync(Gemini + ":generateContent", Hello, account.Key);

        Assert.Equal(HttpStatusCode.OK, status);
        var answer = JsonNode.Parse(text)!;
        Assert.Equal(FakeGeminiUpstream.ReplyText, Text(answer));
        Assert.Equal(100, (int)answer["usageMetadata"]!["promptTokenCount"]!);
        var call = pool.Gemini.Calls(account.Group).Single();
        Assert.Equal("/v1beta/models/gemini-2.0-flash:generateContent", call.Path);
        Assert.Equal("sk-upstream-" + account.Group, call.Header("x-goog-api-key"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Hello), call.Json));
        // gemini-2.0-flash: model ratio 0.05, completion ratio 4 → ceil((100 + 50 × 4) × 0.05) = 15
        var log = await ConsumeLogAsync(account);
        Assert.Equal((100, 50, 15, Gemini, false), (log!.PromptTokens, log.CompletionTokens, log.Quota, log.ModelName, log.IsStream));
    }

    [Fact]
    public async Task GeminiChannel_MappedModelAndThoughts_GoUpstreamUnderTheMappedName_AndThoughtsAreBilledAsOutput()
    {
        var account = await pool.Gateway.CreateAccountAsync();
        await pool.Gateway.CreateChannelAsync(account.Group, "my-gemini", pool.Gemini.BaseUrl(account.Group, "thinking"), 24,
            extra: new { model_mapping = """{"my-gemini":"gemini-2.5-flash"}""" });

        var (status, text, _) = await PostAsync("my-gemini:generateContent",
            """{"contents":[{"parts":[{"text":"Hello"}]}],"generationConfig":{"thinkingConfig":{"includeThoughts":true}}}""", account.Key);

        Assert.Equal(HttpStatusCode.OK, status);
        var parts = JsonNode.Parse(text)!["candidates"]![0]!["content"]!["parts"]!.AsArray();
        Assert.Equal((FakeGeminiUpstream.ThoughtText, true), ((string?)parts[0]!["text"], (bool)parts[0]!["thought"]!));
        Assert.Equal("/v1beta/models/gemini-2.5-flash:generateContent", pool.Gemini.Calls(account.Group).Single().Path);
        // gemini-2.5-flash: ratio 0.15; 50 answer + 30 thought tokens of output → ceil((100 + 80 × 4) × 0.15) = 63
        var log = await ConsumeLogAsync(account);
        Assert.Equal((100, 80, 63), (log!.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task GeminiChannel_StreamWithAltSseAndQueryKeyWithoutPrefix_RelaysTheEvents_AndBillsTheLast()
    {
        var account = await GeminiAccountAsync();

        var (status, text, contentType) = await PostAsync($"{Gemini}:streamGenerateContent?alt=sse&key={account.Key["sk-".Length..]}", Hello, key: null);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/event-stream", contentType);
        var events = Events(text);
        Assert.Equal(FakeGeminiUpstream.ReplyText, string.Concat(events.Select(Text)));
        Assert.Equal("STOP", (string?)events[^1]["candidates"]![0]!["finishReason"]);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        Assert.EndsWith(":streamGenerateContent?alt=sse", pool.Gemini.Calls(account.Group).Single().RawTarget, StringComparison.Ordinal);
        var log = await ConsumeLogAsync(account);
        Assert.Equal((100, 50, 15, true), (log!.PromptTokens, log.CompletionTokens, log.Quota, log.IsStream));
    }

    [Theory]
    [InlineData("text", 24)]
    [InlineData("stream", 1)]
    public async Task StreamWithoutAltSse_IsOneJsonArrayOfResponses_AndBilled(string scenario, int type)
    {
        var account = type == 24 ? await GeminiAccountAsync(scenario) : await OpenAIAccountAsync(scenario);
        var model = type == 24 ? Gemini : Gpt;

        var (status, text, contentType) = await PostAsync(model + ":streamGenerateContent", Hello, account.Key);

        Assert.Equal((HttpStatusCode.OK, "application/json"), (status, contentType));
        var responses = JsonNode.Parse(text)!.AsArray().Select(r => r!).ToList();
        var expected = type == 24 ? FakeGeminiUpstream.ReplyText : FakeOpenAIUpstream.ReplyText;
        Assert.Equal(expected, string.Concat(responses.Select(Text)));
        Assert.NotNull(responses[^1]["usageMetadata"]);
        var log = await ConsumeLogAsync(account);
        Assert.True(log!.IsStream);
        Assert.True(log.Quota > 0);
    }

    [Fact]
    public async Task GeminiChannel_EmbedContent_GoesAsBatchOfOne_AndTheInputIsBilled()
    {
        const string model = "text-embedding-004";
        var account = await GeminiAccountAsync(model: model);

        var (status, text, _) = await PostAsync(model + ":embedContent",
            """{"model":"models/text-embedding-004","content":{"parts":[{"text":"What is the meaning of life?"}]}}""", account.Key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[0.25,-0.5,0.75]", JsonNode.Parse(text)!["embedding"]!["values"]!.ToJsonString());
        var call = pool.Gemini.Calls(account.Group).Single();
        Assert.Equal("/v1beta/models/text-embedding-004:batchEmbedContents", call.Path);
        Assert.Equal("models/text-embedding-004", (string?)call.Json["requests"]![0]!["model"]);
        // Gemini counts nothing: the gateway's count of the input, at the unknown-model ratio 1.25.
        var log = await ConsumeLogAsync(account);
        Assert.True(log!.PromptTokens > 0);
        Assert.Equal((long)Math.Ceiling(log.PromptTokens * 1.25), log.Quota);
    }

    [Fact]
    public async Task GeminiChannel_BatchEmbedContents_ReturnsOneEmbeddingPerRequest()
    {
        const string model = "text-embedding-004";
        var account = await GeminiAccountAsync(model: model);

        var (status, text, _) = await PostAsync(model + ":batchEmbedContents",
            """{"requests":[{"model":"models/text-embedding-004","content":{"parts":[{"text":"a"}]}},{"model":"models/text-embedding-004","content":{"parts":[{"text":"b"}]}}]}""",
            account.Key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, JsonNode.Parse(text)!["embeddings"]!.AsArray().Count);
        Assert.NotNull(await ConsumeLogAsync(account));
    }

    [Fact]
    public async Task OpenAIChannel_GenerateContent_IsConvertedBothWays_AndBilled()
    {
        var account = await OpenAIAccountAsync("ok");

        var (status, text, _) = await PostAsync(Gpt + ":generateContent",
            """{"systemInstruction":{"parts":[{"text":"Be kind."}]},"contents":[{"role":"user","parts":[{"text":"Hello"}]}],"generationConfig":{"maxOutputTokens":300,"temperature":0.2}}""",
            account.Key);

        Assert.Equal(HttpStatusCode.OK, status);
        var answer = JsonNode.Parse(text)!;
        Assert.Equal(FakeOpenAIUpstream.ReplyText, Text(answer));
        Assert.Equal(("STOP", "model"), ((string?)answer["candidates"]![0]!["finishReason"], (string?)answer["candidates"]![0]!["content"]!["role"]));
        Assert.Equal((11, 7, 18), ((int)answer["usageMetadata"]!["promptTokenCount"]!, (int)answer["usageMetadata"]!["candidatesTokenCount"]!, (int)answer["usageMetadata"]!["totalTokenCount"]!));
        var sent = JsonNode.Parse(pool.OpenAI.Requests(account.Group).Single().Body)!;
        Assert.Equal(("system", "Be kind.", 300, Gpt), ((string?)sent["messages"]![0]!["role"], (string?)sent["messages"]![0]!["content"], (int)sent["max_tokens"]!, (string?)sent["model"]));
        // gpt-4o-mini: ceil((11 + 7 × 4) × 0.075) = 3
        var log = await ConsumeLogAsync(account);
        Assert.Equal((11, 7, 3, Gpt), (log!.PromptTokens, log.CompletionTokens, log.Quota, log.ModelName));
    }

    [Fact]
    public async Task OpenAIChannel_StreamGenerateContent_BecomesGeminiEvents_WithUsageLast()
    {
        var account = await OpenAIAccountAsync("stream");

        var (status, text, _) = await PostAsync(Gpt + ":streamGenerateContent?alt=sse", Hello, account.Key);

        Assert.Equal(HttpStatusCode.OK, status);
        var events = Events(text);
        Assert.Equal(FakeOpenAIUpstream.ReplyText, string.Concat(events.Select(Text)));
        Assert.Equal((11, 7), ((int)events[^1]["usageMetadata"]!["promptTokenCount"]!, (int)events[^1]["usageMetadata"]!["candidatesTokenCount"]!));
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("event:", text, StringComparison.Ordinal);
        var log = await ConsumeLogAsync(account);
        Assert.Equal((11, 7, 3, true), (log!.PromptTokens, log.CompletionTokens, log.Quota, log.IsStream));
    }

    [Fact]
    public async Task OpenAIChannel_EmbedContent_IsConverted_AndBilledFromTheUpstreamsUsage()
    {
        const string model = "text-embedding-3-small";
        var account = await OpenAIAccountAsync("ok", model);

        var (status, text, _) = await PostAsync(model + ":embedContent", """{"content":{"parts":[{"text":"hello"}]}}""", account.Key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[0.0023064255,-0.009327292,-0.0028842222]", JsonNode.Parse(text)!["embedding"]!["values"]!.ToJsonString());
        Assert.Equal("""["hello"]""", JsonNode.Parse(pool.OpenAI.Requests(account.Group).Single().Body)!["input"]!.ToJsonString());
        // text-embedding-3-small: ceil(8 × 0.01) = 1
        var log = await ConsumeLogAsync(account);
        Assert.Equal((8, 0, 1), (log!.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task ModelList_IsGooglesShape_WithWhatTheKeyMayUse()
    {
        var account = await GeminiAccountAsync();

        using var list = new HttpRequestMessage(HttpMethod.Get, "/v1beta/models?key=" + account.Key);
        using var listed = await pool.Gateway.Http.SendAsync(list);
        var models = JsonNode.Parse(await listed.Content.ReadAsStringAsync())!["models"]!.AsArray();
        using var one = new HttpRequestMessage(HttpMethod.Get, "/v1beta/models/" + Gemini) { Headers = { { "x-goog-api-key", account.Key } } };
        using var got = await pool.Gateway.Http.SendAsync(one);
        using var missing = new HttpRequestMessage(HttpMethod.Get, "/v1beta/models/gpt-4o") { Headers = { { "x-goog-api-key", account.Key } } };
        using var notFound = await pool.Gateway.Http.SendAsync(missing);

        var model = Assert.Single(models)!;
        Assert.Equal("models/" + Gemini, (string?)model["name"]);
        Assert.Contains("generateContent", model["supportedGenerationMethods"]!.AsArray().Select(m => (string?)m));
        Assert.Equal("models/" + Gemini, (string?)JsonNode.Parse(await got.Content.ReadAsStringAsync())!["name"]);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        AssertGoogleError(await notFound.Content.ReadAsStringAsync(), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task CountTokens_IsCountedByTheGateway_WithoutCallingTheChannelOrBilling()
    {
        var account = await GeminiAccountAsync();

        var (status, text, _) = await PostAsync(Gemini + ":countTokens", """{"contents":[{"parts":[{"text":"The quick brown fox jumps over the lazy dog."}]}]}""", account.Key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((int)JsonNode.Parse(text)!["totalTokens"]! > 5);
        Assert.Empty(pool.Gemini.Calls(account.Group));
        Assert.Null(await ConsumeLogAsync(account));
    }

    [Fact]
    public async Task BadKey_Is401InGooglesShape()
    {
        var (status, text, _) = await PostAsync(Gemini + ":generateContent", Hello, "sk-not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        AssertGoogleError(text, 401, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task ExhaustedQuota_IsRefusedInGooglesShape_BeforeTheChannelIsCalled()
    {
        var account = await OpenAIAccountAsync("ok", userQuota: 0);

        var (status, text, _) = await PostAsync(Gpt + ":generateContent", Hello, account.Key);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertGoogleError(text, 403, "PERMISSION_DENIED");
        Assert.Empty(pool.OpenAI.Requests(account.Group));
    }

    [Fact]
    public async Task MaxOutputTokens_BoundsTheReservation()
    {
        var account = await OpenAIAccountAsync("ok", tokenQuota: 1000);

        // 1,000,000 output tokens of gpt-4o-mini reserve 1,000,000 × 4 × 0.075 = 300,000 > 1,000.
        var (refused, error, _) = await PostAsync(Gpt + ":generateContent",
            """{"contents":[{"parts":[{"text":"Hello"}]}],"generationConfig":{"maxOutputTokens":1000000}}""", account.Key);
        var (served, _, _) = await PostAsync(Gpt + ":generateContent",
            """{"contents":[{"parts":[{"text":"Hello"}]}],"generationConfig":{"maxOutputTokens":10}}""", account.Key);

        Assert.Equal(HttpStatusCode.Forbidden, refused);
        AssertGoogleError(error, 403, "PERMISSION_DENIED");
        Assert.Equal(HttpStatusCode.OK, served);
        Assert.Single(pool.OpenAI.Requests(account.Group));
    }

    [Theory]
    [InlineData("{\"contents\":", "")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"maxOutputTokens":0}}""", "maxOutputTokens")]
    [InlineData("""{"contents":[]}""", "contents")]
    public async Task MalformedOrInvalidBody_Is400InvalidArgument_AndNotBilled(string json, string named)
    {
        var account = await OpenAIAccountAsync("ok");

        var (status, text, _) = await PostAsync(Gpt + ":generateContent", json, account.Key);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertGoogleError(text, 400, "INVALID_ARGUMENT");
        Assert.Contains(named, (string?)JsonNode.Parse(text)!["error"]!["message"], StringComparison.Ordinal);
        Assert.Empty(pool.OpenAI.Requests(account.Group));
        Assert.Null(await ConsumeLogAsync(account));
    }

    [Theory]
    [InlineData("error500", 500, "INTERNAL")]
    [InlineData("error429", 429, "RESOURCE_EXHAUSTED")]
    [InlineData("malformed", 502, "INTERNAL")]
    public async Task UpstreamFailure_IsGooglesError_AndNotBilled(string scenario, int code, string name)
    {
        var account = await OpenAIAccountAsync(scenario);

        var (status, text, _) = await PostAsync(Gpt + ":generateContent", Hello, account.Key);

        Assert.Equal(code, (int)status);
        AssertGoogleError(text, code, name);
        Assert.Null(await ConsumeLogAsync(account));
    }

    [Fact]
    public async Task UnknownMethod_Is404InGooglesShape()
    {
        var (status, text, _) = await PostAsync(Gemini + ":predictLongRunning", "{}", key: null);

        Assert.Equal(HttpStatusCode.NotFound, status);
        AssertGoogleError(text, 404, "NOT_FOUND");
    }
}
