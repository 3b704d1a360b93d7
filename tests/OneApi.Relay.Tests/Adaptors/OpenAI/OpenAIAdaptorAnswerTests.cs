using System.Net;
using System.Text;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;

namespace OneApi.Relay.Tests.Adaptors.OpenAI;

public sealed class OpenAIAdaptorAnswerTests
{
    private readonly IChannelAdaptor _adaptor = TestAdaptors.OpenAI();

    private static HttpResponseMessage Ok(byte[] body) => new(HttpStatusCode.OK)
    {
        Content = new ByteArrayContent(body),
    };

    private Task<UpstreamAnswer> ReadAsync(byte[] body, RelayMode mode = RelayMode.ChatCompletions)
    {
        var request = Fixture.Request("""{"model":"gpt-4o","messages":[]}""", mode);
        using var response = Ok(body);
        return _adaptor.ReadAnswerAsync(response, request, CancellationToken.None);
    }

    [Fact]
    public async Task ChatCompletion_RecordedAnswer_ReadsUsageAndText()
    {
        var body = Fixture.Bytes("openai/chat_completion.json");

        var answer = await ReadAsync(body);

        Assert.Null(answer.Error);
        Assert.Equal(Usage.Of(19, 10), answer.Usage);
        Assert.Equal("Hello! How can I assist you today?", answer.CompletionText);
        Assert.Equal(body, answer.Body.ToArray());
    }

    [Fact]
    public async Task Completion_RecordedAnswer_ReadsChoiceText()
    {
        var answer = await ReadAsync(Fixture.Bytes("openai/completion.json"), RelayMode.Completions);

        Assert.Null(answer.Error);
        Assert.Equal(Usage.Of(5, 7), answer.Usage);
        Assert.Equal("\n\nThis is indeed a test", answer.CompletionText);
    }

    [Fact]
    public async Task ChatCompletion_NullContentWithToolCalls_CountsTheCallAsTextAndKeepsUsage()
    {
        const string body = """
            {"id":"chatcmpl-abc","object":"chat.completion","created":1699896916,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_abc123","type":"function",
               "function":{"name":"get_current_weather","arguments":"{\n\"location\": \"Boston, MA\"\n}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99}}
            """;

        var answer = await ReadAsync(Encoding.UTF8.GetBytes(body));

        Assert.Null(answer.Error);
        Assert.Equal("get_current_weather{\n\"location\": \"Boston, MA\"\n}", answer.CompletionText);
        Assert.Equal(Usage.Of(82, 17), answer.Usage);
    }

    [Fact]
    public async Task ErrorObjectWithStatus200_SetsError()
    {
        var answer = await ReadAsync(Fixture.Bytes("openai/error_200_server_error.json"));

        Assert.NotNull(answer.Error);
        Assert.Equal("server_error", answer.Error.Type);
        Assert.Equal("The server had an error while processing your request. Sorry about that!", answer.Error.Message);
        Assert.True(answer.Error.IsUpstreamFailure);
        Assert.Null(answer.Usage);
    }

    [Theory]
    [InlineData("{\"id\":\"chatcmpl-1\",\"choices\":[")]
    [InlineData("<html><body>upstream gateway</body></html>")]
    [InlineData("")]
    public async Task MalformedJson_IsUpstreamMalformed(string body)
    {
        var answer = await ReadAsync(Encoding.UTF8.GetBytes(body));

        Assert.NotNull(answer.Error);
        Assert.Equal(RelayErrorKind.UpstreamMalformed, answer.Error.Kind);
        Assert.Equal(502, answer.Error.StatusCode);
    }

    [Fact]
    public async Task JsonArrayBody_IsUpstreamMalformed()
    {
        var answer = await ReadAsync("[1,2]"u8.ToArray());

        Assert.Equal(RelayErrorKind.UpstreamMalformed, answer.Error?.Kind);
    }

    [Fact]
    public async Task AnswerWithoutUsage_HasNullUsage()
    {
        var answer = await ReadAsync("""{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}]}"""u8.ToArray());

        Assert.Null(answer.Error);
        Assert.Null(answer.Usage);
        Assert.Equal("ok", answer.CompletionText);
    }
}
