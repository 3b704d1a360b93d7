using System.Net;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Anthropic;
using OneApi.Relay.Images;

namespace OneApi.Relay.Tests.Adaptors.Anthropic;

/// <summary>OpenAI chat requests as Claude's Messages API documents them (https://docs.anthropic.com/en/api/messages).</summary>
public sealed class AnthropicRequestTests
{
    private readonly IChannelAdaptor _adaptor = TestAdaptors.Anthropic();

    private static UpstreamChannel Channel(string baseUrl = "") => new(3, ChannelTypes.Anthropic, "sk-ant-test", baseUrl, ChannelConfig.Empty);

    private JsonObject Convert(string json, string query = "") =>
        Fixture.BodyOf(_adaptor.Build(Fixture.Request(json, query: query), Channel()));

    [Fact]
    public void Headers_AreApiKeyAndVersion_AndUrlIsMessages()
    {
        using var message = _adaptor.Build(Fixture.Request("""{"model":"claude-3-5-haiku-20241022","messages":[{"role":"user","content":"Hi"}]}"""), Channel());

        Assert.Equal("https://api.anthropic.com/v1/messages", message.RequestUri!.AbsoluteUri);
        Assert.Equal("sk-ant-test", message.Headers.GetValues("x-api-key").Single());
        Assert.Equal("2023-06-01", message.Headers.GetValues("anthropic-version").Single());
        Assert.Null(message.Headers.Authorization);
        Assert.False(message.Headers.Contains("anthropic-beta"));
    }

    [Theory]
    [InlineData("https://proxy.example.com", "https://proxy.example.com/v1/messages")]
    [InlineData("https://proxy.example.com/", "https://proxy.example.com/v1/messages")]
    [InlineData("https://proxy.example.com/v1", "https://proxy.example.com/v1/messages")]
    public void CustomBaseUrl_GetsMessagesPathOnce(string baseUrl, string expected)
    {
        using var message = _adaptor.Build(Fixture.Request("""{"model":"claude-3-5-haiku-20241022","messages":[]}"""), Channel(baseUrl));

        Assert.Equal(expected, message.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void SystemMessages_BecomeSystem_AndTurnsKeepTheirOrder()
    {
        var body = Convert("""
            {"model":"claude-3-7-sonnet-20250219","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"developer","content":[{"type":"text","text":"Answer in English."}]},
              {"role":"user","content":"Hello"},
              {"role":"assistant","content":"Hi there"},
              {"role":"user","content":[{"type":"text","text":"How are you?"}]}]}
            """);

        Assert.Equal("You are terse.\nAnswer in English.", (string?)body["system"]);
        var messages = body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => (string?)m!["role"]));
        Assert.Equal("Hello", (string?)messages[0]!["content"]![0]!["text"]);
        Assert.Equal("text", (string?)messages[1]!["content"]![0]!["type"]);
        Assert.Equal("How are you?", (string?)messages[2]!["content"]![0]!["text"]);
    }

    [Fact]
    public void MaxTokens_DefaultsTo4096_AndSamplingAndStopsAreCopied()
    {
        var body = Convert("""{"model":"claude-3-5-haiku-20241022","temperature":0.3,"top_p":0.9,"stop":"END","stream":true,"user":"u-1","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(4096, (int)body["max_tokens"]!);
        Assert.Equal(0.3, (double)body["temperature"]!);
        Assert.Equal(0.9, (double)body["top_p"]!);
        Assert.Equal(["END"], body["stop_sequences"]!.AsArray().Select(s => (string?)s));
        Assert.True((bool)body["stream"]!);
        Assert.Equal("u-1", (string?)body["metadata"]!["user_id"]);
        Assert.Null(body["stream_options"]);
    }

    [Fact]
    public void MaxCompletionTokensAndStopArray_AreHonoured()
    {
        var body = Convert("""{"model":"claude-3-5-haiku-20241022","max_completion_tokens":300,"stop":["a","b"],"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(300, (int)body["max_tokens"]!);
        Assert.Equal(["a", "b"], body["stop_sequences"]!.AsArray().Select(s => (string?)s));
    }

    [Fact]
    public void Images_DataUrlsInline_HttpUrlsAsUrlSources()
    {
        var body = Convert("""
            {"model":"claude-3-5-sonnet-20241022","messages":[{"role":"user","content":[
              {"type":"text","text":"What is in these images?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
              {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}
            """);

        var content = body["messages"]![0]!["content"]!.AsArray();
        Assert.Equal(3, content.Count);
        Assert.Equal("""{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}""", content[1]!["source"]!.ToJsonString());
        Assert.Equal("""{"type":"url","url":"https://example.com/cat.jpg"}""", content[2]!["source"]!.ToJsonString());
    }

    [Fact]
    public async Task ImageUrls_AreFetchedAndInlined_AndASlowImageKeepsItsUrl()
    {
        var png = new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3 };
        var handler = new StubHandler(async (request, token) =>
        {
            if (request.RequestUri!.AbsolutePath == "/slow.png")
            {
                await Task.Delay(TimeSpan.FromSeconds(10), token);
            }
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(png) };
        });
        var adaptor = TestAdaptors.Anthropic(new UserImageFetcher(new HttpClient(handler), new OutboundAddressPolicy([], SystemHostResolver.Instance),
            new UserContentLimits { Timeout = TimeSpan.FromMilliseconds(200) }));
        var request = Fixture.Request("""
            {"model":"claude-3-5-sonnet-20241022","messages":[{"role":"user","content":[
              {"type":"image_url","image_url":{"url":"https://img.example.com/cat.png"}},
              {"type":"image_url","image_url":{"url":"https://img.example.com/slow.png"}}]}]}
            """);

        using var message = await adaptor.BuildRequestAsync(request, Channel(), CancellationToken.None);

        var content = Fixture.BodyOf(message)["messages"]![0]!["content"]!.AsArray();
        Assert.Equal($$"""{"type":"base64","media_type":"image/png","data":"{{System.Convert.ToBase64String(png)}}"}""", content[0]!["source"]!.ToJsonString());
        Assert.Equal("url", (string?)content[1]!["source"]!["type"]);
    }

    [Fact]
    public void Tools_ToolChoiceAndToolResults_AreConverted()
    {
        var body = Convert("""
            {"model":"claude-3-7-sonnet-20250219","parallel_tool_calls":false,
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Get the current weather","parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}}],
             "tool_choice":{"type":"function","function":{"name":"get_weather"}},
             "messages":[
              {"role":"user","content":"Weather in SF?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"San Francisco, CA\"}"}}]},
              {"role":"tool","tool_call_id":"toolu_1","content":"15 degrees"},
              {"role":"user","content":"Thanks"}]}
            """);

        var tool = body["tools"]![0]!;
        Assert.Equal("get_weather", (string?)tool["name"]);
        Assert.Equal("Get the current weather", (string?)tool["description"]);
        Assert.Equal("object", (string?)tool["input_schema"]!["type"]);
        Assert.Equal("""{"type":"tool","name":"get_weather","disable_parallel_tool_use":true}""", body["tool_choice"]!.ToJsonString());
        var messages = body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => (string?)m!["role"]));
        var toolUse = messages[1]!["content"]![0]!;
        Assert.Equal("tool_use", (string?)toolUse["type"]);
        Assert.Equal("toolu_1", (string?)toolUse["id"]);
        Assert.Equal("San Francisco, CA", (string?)toolUse["input"]!["location"]);
        // The tool result and the next user text share one user turn, the result first.
        var results = messages[2]!["content"]!.AsArray();
        Assert.Equal("""{"type":"tool_result","tool_use_id":"toolu_1","content":"15 degrees"}""", results[0]!.ToJsonString());
        Assert.Equal("Thanks", (string?)results[1]!["text"]);
    }

    [Theory]
    [InlineData("\"auto\"", """{"type":"auto"}""")]
    [InlineData("\"required\"", """{"type":"any"}""")]
    [InlineData("\"none\"", """{"type":"none"}""")]
    public void ToolChoiceStrings_MapToClaudes(string choice, string expected)
    {
        var body = Convert("""{"model":"claude-3-5-haiku-20241022","tool_choice":CHOICE,"tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"x"}]}""".Replace("CHOICE", choice, StringComparison.Ordinal));

        Assert.Equal(expected, body["tool_choice"]!.ToJsonString());
        Assert.Equal("""{"type":"object","properties":{}}""", body["tools"]![0]!["input_schema"]!.ToJsonString());
    }

    [Fact]
    public void ThinkingBlocks_AreReplayedBeforeTheAssistantsToolUse()
    {
        var body = Convert("""
            {"model":"claude-3-7-sonnet-20250219","messages":[
              {"role":"user","content":"Weather?"},
              {"role":"assistant","content":"","thinking_blocks":[{"type":"thinking","thinking":"I should call the tool","signature":"sig=="}],
               "tool_calls":[{"id":"toolu_9","type":"function","function":{"name":"get_weather","arguments":"not json"}}]}]}
            """);

        var blocks = body["messages"]![1]!["content"]!.AsArray();
        Assert.Equal("""{"type":"thinking","thinking":"I should call the tool","signature":"sig=="}""", blocks[0]!.ToJsonString());
        Assert.Equal("{}", blocks[1]!["input"]!.ToJsonString());
    }

    [Fact]
    public void ThinkingQuery_OnThinkingModel_EnablesBudget1024AndClearsSampling()
    {
        var body = Convert("""{"model":"claude-3-7-sonnet-20250219","max_tokens":4000,"temperature":0.5,"top_p":0.9,"messages":[{"role":"user","content":"x"}]}""", "thinking=true");

        Assert.Equal("""{"type":"enabled","budget_tokens":1024}""", body["thinking"]!.ToJsonString());
        Assert.Null(body["top_p"]);
        Assert.Null(body["temperature"]);
        Assert.Equal(4000, (int)body["max_tokens"]!);
    }

    [Fact]
    public void ThinkingQuery_OnModelThatCannotThink_IsIgnored()
    {
        var body = Convert("""{"model":"claude-3-5-haiku-20241022","top_p":0.9,"messages":[{"role":"user","content":"x"}]}""", "thinking");

        Assert.Null(body["thinking"]);
        Assert.Equal(0.9, (double)body["top_p"]!);
    }

    [Fact]
    public void ThinkingInBody_IsKept()
    {
        var body = Convert("""{"model":"claude-3-7-sonnet-20250219","max_tokens":20000,"thinking":{"type":"enabled","budget_tokens":16000},"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(16000, (int)body["thinking"]!["budget_tokens"]!);
    }

    [Theory]
    [InlineData("""{"model":"claude-3-7-sonnet-20250219","max_tokens":1024,"messages":[]}""", "thinking")]
    [InlineData("""{"model":"claude-3-7-sonnet-20250219","max_tokens":500,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[]}""", "")]
    public void Thinking_WithMaxTokensUpTo1024_IsRefusedWith400(string json, string query)
    {
        var error = Assert.Throws<RelayErrorException>(() => _adaptor.Build(Fixture.Request(json, query: query), Channel())).Error;

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("max_tokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LargeOutputOnClaude37_SendsTheOutput128kBeta()
    {
        using var message = _adaptor.Build(Fixture.Request("""{"model":"claude-3-7-sonnet-20250219","max_tokens":100000,"messages":[]}"""), Channel());

        Assert.Equal("output-128k-2025-02-19", message.Headers.GetValues("anthropic-beta").Single());
    }

    [Fact]
    public void StreamRequest_AcceptsEventStream()
    {
        using var message = _adaptor.Build(Fixture.Request("""{"model":"claude-3-5-haiku-20241022","stream":true,"messages":[]}"""), Channel());

        Assert.Equal("text/event-stream", message.Headers.Accept.Single().MediaType);
    }

    private sealed class StubHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(request, cancellationToken);
    }
}
