using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Inbound.Anthropic;

namespace OneApi.Relay.Tests.Inbound.Anthropic;

/// <summary>/v1/messages for channels that speak OpenAI: the Messages request in, OpenAI answers back out as Claude's.</summary>
public sealed class AnthropicInboundTests
{
    private static RelayRequest Read(string messagesJson)
    {
        var body = JsonNode.Parse(messagesJson)!.AsObject();
        var (request, error) = AnthropicClientApi.Instance.ReadRequest(RelayMode.ChatCompletions, Fixture.Json(messagesJson),
            (string)body["model"]!, new Dictionary<string, string>());
        Assert.Null(error);
        return request!;
    }

    [Fact]
    public void Request_ToolUseAndResults_BecomeOpenAIToolCallsAndToolMessages()
    {
        var request = Read("""
            {"model":"gpt-4o","max_tokens":200,"system":[{"type":"text","text":"Be brief."}],"stop_sequences":["X"],
             "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}},
                      {"type":"web_search_20250305","name":"web_search"}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true},
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Weather?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}}]},
               {"role":"assistant","content":[{"type":"thinking","thinking":"call it","signature":"s1"},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18C"}]},{"type":"text","text":"And tomorrow?"}]}]}
            """);

        var body = request.Body;
        var messages = body["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "tool", "user"], messages.Select(m => (string?)m!["role"]));
        Assert.Equal("Be brief.", (string?)messages[0]!["content"]);
        Assert.Equal("data:image/png;base64,iVBO", (string?)messages[1]!["content"]![1]!["image_url"]!["url"]);
        var call = messages[2]!["tool_calls"]![0]!;
        Assert.Equal(("toolu_1", "get_weather", """{"city":"Paris"}"""), ((string?)call["id"], (string?)call["function"]!["name"], (string?)call["function"]!["arguments"]));
        Assert.Equal("s1", (string?)messages[2]!["thinking_blocks"]![0]!["signature"]);
        Assert.Equal(("toolu_1", "18C"), ((string?)messages[3]!["tool_call_id"], (string?)messages[3]!["content"]));
        Assert.Equal(["get_weather"], body["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]));
        Assert.Equal("required", (string?)body["tool_choice"]);
        Assert.False((bool)body["parallel_tool_calls"]!);
        Assert.Equal(["X"], body["stop"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(200, request.MaxTokens);
        Assert.NotNull(request.ClientBody);
    }

    [Fact]
    public async Task Answer_ToolCallsAndReasoning_BecomeClaudeBlocks()
    {
        var request = Read("""{"model":"gpt-4o","max_tokens":100,"messages":[{"role":"user","content":"x"}]}""");
        var adaptor = AnthropicClientApi.Instance.Adapt(TestAdaptors.OpenAI(), request);
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            Content = new StringContent("""
                {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Checking.","reasoning_content":"hmm",
                 "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":30,"completion_tokens":9,"total_tokens":39,"prompt_tokens_details":{"cached_tokens":10}}}
                """),
        };

        var answer = await adaptor.ReadAnswerAsync(response, request, CancellationToken.None);

        var message = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal("message", (string?)message["type"]);
        Assert.Equal(["thinking", "text", "tool_use"], message["content"]!.AsArray().Select(b => (string?)b!["type"]));
        Assert.Equal("Paris", (string?)message["content"]![2]!["input"]!["city"]);
        Assert.Equal("tool_use", (string?)message["stop_reason"]);
        Assert.Equal("""{"input_tokens":20,"output_tokens":9,"cache_read_input_tokens":10}""", message["usage"]!.ToJsonString());
        Assert.Equal(Usage.Of(30, 9), answer.Usage);
    }

    [Fact]
    public async Task Stream_OpenAIChunks_BecomeClaudesEventSequence()
    {
        var request = Read("""{"model":"gpt-4o","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"x"}]}""");
        var adaptor = AnthropicClientApi.Instance.Adapt(TestAdaptors.OpenAI(), request);
        var frames = await adaptor.ReadAllAsync(ChatTranscript.ReasoningTextAndToolCall("tool_calls", "Hi"), request);

        var events = frames.Where(f => !f.Data.IsEmpty).ToList();
        Assert.Equal(
            ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta",
             "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Event));
        Assert.All(events, e => Assert.Equal(e.Event, (string?)JsonNode.Parse(e.Data.Span)!["type"]));
        var delta = JsonNode.Parse(events[^2].Data.Span)!;
        Assert.Equal("tool_use", (string?)delta["delta"]!["stop_reason"]);
        Assert.Equal(7, (int)delta["usage"]!["output_tokens"]!);
        Assert.Equal("""{"a":1}""", (string?)JsonNode.Parse(events[8].Data.Span)!["delta"]!["partial_json"]);
        Assert.Equal(Usage.Of(5, 7), frames.Last(f => f.Usage is not null).Usage);
        // Everything generated counts when no usage comes: the reasoning, the text, the tool's name and its arguments.
        Assert.Equal("thinkHif{\"a\":1}", string.Concat(frames.Select(f => f.Text)));
    }

    [Fact]
    public void Errors_AreWrittenInClaudesShape()
    {
        var json = JsonNode.Parse(AnthropicClientApi.Instance.SerializeError(RelayError.NoChannel("m", "g"), "req1"))!;

        Assert.Equal("error", (string?)json["type"]);
        Assert.Equal("overloaded_error", (string?)json["error"]!["type"]);
        Assert.EndsWith("(request id: req1)", (string?)json["error"]!["message"], StringComparison.Ordinal);
    }
}

/// <summary>/v1/messages for Claude channels: the client's own body, with the channel's model, system prompt and the client's betas.</summary>
public sealed class AnthropicPassThroughTests
{
    private static RelayRequest Read(string messagesJson)
    {
        var body = JsonNode.Parse(messagesJson)!.AsObject();
        return AnthropicClientApi.Instance.ReadRequest(RelayMode.ChatCompletions, Fixture.Json(messagesJson), (string)body["model"]!,
            new Dictionary<string, string>()).Request!;
    }

    private static readonly UpstreamChannel Claude = new(1, ChannelTypes.Anthropic, "sk-ant", "", ChannelConfig.Empty);

    [Fact]
    public async Task ClientBody_GoesAsItIs_WithMappedModel_ChannelSystemPrompt_AndBetas()
    {
        var request = Read("""{"model":"claude-x","max_tokens":64,"system":"client prompt","messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}],"top_k":5}""");
        request.MapModel("claude-3-7-sonnet-20250219");
        request.Edit(b => b["messages"]![0]!["content"] = "channel prompt");
        var adaptor = new AnthropicClientApi(["prompt-caching-2024-07-31", "output-128k-2025-02-19"])
            .Adapt(TestAdaptors.Anthropic(), request);

        using var message = await adaptor.BuildRequestAsync(request, Claude, CancellationToken.None);

        var body = Fixture.BodyOf(message);
        Assert.Equal("claude-3-7-sonnet-20250219", (string?)body["model"]);
        Assert.Equal("channel prompt", (string?)body["system"]);
        Assert.Equal(5, (int)body["top_k"]!);
        Assert.Equal("ephemeral", (string?)body["messages"]![0]!["content"]![0]!["cache_control"]!["type"]);
        Assert.Equal("prompt-caching-2024-07-31,output-128k-2025-02-19", message.Headers.GetValues("anthropic-beta").Single());
    }

    [Fact]
    public async Task Bedrock_PutsTheBetasInTheBody()
    {
        var request = Read("""{"model":"claude-3-7-sonnet-20250219","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""");
        var channel = new UpstreamChannel(2, ChannelTypes.AwsClaude, "AK|SK|us-east-1", "", ChannelConfig.Empty);
        var adaptor = new AnthropicClientApi(["token-efficient-tools-2025-02-19"]).Adapt(TestAdaptors.For(ChannelTypes.AwsClaude, "claude-3-7-sonnet-20250219"), request);

        using var message = await adaptor.BuildRequestAsync(request, channel, CancellationToken.None);

        var body = Fixture.BodyOf(message);
        Assert.Equal("""["token-efficient-tools-2025-02-19"]""", body["anthropic_beta"]!.ToJsonString());
        Assert.Null(body["model"]);
    }
}
