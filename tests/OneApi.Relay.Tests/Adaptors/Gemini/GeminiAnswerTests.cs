using System.Net;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors.Gemini;

/// <summary>Gemini's documented GenerateContentResponse bodies, errors and embeddings read as OpenAI's.</summary>
public sealed class GeminiAnswerTests
{
    private static async Task<(UpstreamAnswer Answer, JsonObject Json)> ReadAsync(string fixture, string json = """{"model":"gemini-2.0-flash","messages":[]}""",
        string query = "", RelayMode mode = RelayMode.ChatCompletions)
    {
        var request = Fixture.Request(json, mode, query);
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes(fixture)) };
        var answer = await TestAdaptors.For(ChannelTypes.Gemini, request.Model).ReadAnswerAsync(response, request, CancellationToken.None);
        return (answer, answer.Error is null ? JsonNode.Parse(answer.Body.Span)!.AsObject() : []);
    }

    [Fact]
    public async Task Text_BecomesChatCompletion_WithUsageFromUsageMetadata()
    {
        var (answer, json) = await ReadAsync("gemini/generate_content.json");

        Assert.Null(answer.Error);
        Assert.Equal("chatcmpl-mCpTaJ3dF8qYmecPz6TQ2Qk", (string?)json["id"]);
        Assert.Equal("chat.completion", (string?)json["object"]);
        Assert.Equal("gemini-2.0-flash", (string?)json["model"]);
        var choice = json["choices"]![0]!;
        Assert.Equal("AI, or artificial intelligence, is the ability of computers to learn from data and make decisions.", (string?)choice["message"]!["content"]);
        Assert.Equal("stop", (string?)choice["finish_reason"]);
        Assert.Equal(Usage.Of(8, 19), answer.Usage);
        Assert.Equal("""{"prompt_tokens":8,"completion_tokens":19,"total_tokens":27}""", json["usage"]!.ToJsonString());
    }

    [Fact]
    public async Task FunctionCall_BecomesToolCalls_AndFinishesWithToolCalls()
    {
        var (answer, json) = await ReadAsync("gemini/generate_content_function_call.json");

        var choice = json["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        var call = choice["message"]!["tool_calls"]![0]!;
        Assert.StartsWith("call_", (string?)call["id"], StringComparison.Ordinal);
        Assert.Equal("function", (string?)call["type"]);
        Assert.Equal("set_light_values", (string?)call["function"]!["name"]);
        Assert.Equal("""{"brightness":25,"color_temp":"warm"}""", (string?)call["function"]!["arguments"]);
        Assert.Equal(Usage.Of(76, 10), answer.Usage);
    }

    [Theory]
    [InlineData("", "reasoning")]
    [InlineData("?reasoning_format=reasoning_content", "reasoning_content")]
    [InlineData("?reasoning_format=thinking", "thinking")]
    public async Task ThoughtParts_GoInTheRequestedReasoningField_AndAreBilledAsOutput(string query, string field)
    {
        var (answer, json) = await ReadAsync("gemini/generate_content_thinking.json", """{"model":"gemini-2.5-flash","messages":[]}""", query);

        var message = json["choices"]![0]!["message"]!;
        Assert.Equal("The sum of the first five prime numbers is 28.", (string?)message["content"]);
        Assert.StartsWith("**Counting the primes**", (string?)message[field], StringComparison.Ordinal);
        Assert.Equal(Usage.Of(14, 12 + 237), answer.Usage);
        Assert.Equal(237, (int)json["usage"]!["completion_tokens_details"]!["reasoning_tokens"]!);
        // Counted only if Gemini sent no usage: the thoughts are output too.
        Assert.Equal("The sum of the first five prime numbers is 28." + (string?)message[field], answer.CompletionText);
    }

    [Fact]
    public async Task BlockedPrompt_IsA400ContentFilterError()
    {
        var (answer, _) = await ReadAsync("gemini/prompt_blocked.json");

        Assert.Equal((400, "content_filter"), (answer.Error!.StatusCode, answer.Error.Code));
        Assert.Contains("SAFETY", answer.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gemini/error_400_api_key_invalid.json", 400, "API key not valid. Please pass a valid API key.", "invalid_request_error", "API_KEY_INVALID")]
    [InlineData("gemini/error_429_resource_exhausted.json", 429, "You exceeded your current quota, please check your plan and billing details.", "rate_limit_error", "RESOURCE_EXHAUSTED")]
    public void Errors_ReadGooglesErrorBody(string fixture, int status, string message, string type, string code)
    {
        var error = TestAdaptors.For(ChannelTypes.Gemini, "gemini-2.0-flash").ReadError(status, Fixture.Bytes(fixture));

        Assert.Equal((RelayErrorKind.UpstreamStatus, status, message, type, code), (error.Kind, error.StatusCode, error.Message, error.Type, error.Code));
    }

    [Fact]
    public void ErrorThatIsNotJson_IsABadStatus()
    {
        var error = TestAdaptors.For(ChannelTypes.Gemini, "gemini-2.0-flash").ReadError(502, "<html>Bad Gateway</html>"u8);

        Assert.Equal((502, "bad response status code 502"), (error.StatusCode, error.Message));
    }

    [Fact]
    public async Task Embeddings_BecomeOpenAIsList_InOrder()
    {
        var (answer, json) = await ReadAsync("gemini/batch_embed_contents.json", """{"model":"text-embedding-004","input":["a","b"]}""",
            mode: RelayMode.Embeddings);

        Assert.Null(answer.Usage); // Gemini counts nothing: the gateway bills its own count of the input
        Assert.Equal("list", (string?)json["object"]);
        var data = json["data"]!.AsArray();
        Assert.Equal([0, 1], data.Select(d => (int)d!["index"]!));
        Assert.Equal(0.013168523, (double)data[0]!["embedding"]![0]!);
        Assert.Equal("embedding", (string?)data[1]!["object"]);
    }
}
