using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Inbound.Responses;

namespace OneApi.Relay.Tests.Inbound.Responses;

/// <summary>/v1/responses for channels that do not speak it: the Responses request in as chat, chat answers back out as Responses.</summary>
public sealed class ResponsesInboundTests
{
    private static (RelayRequest? Request, RelayError? Error) TryRead(string json)
    {
        var body = JsonNode.Parse(json)!.AsObject();
        return ResponsesClientApi.Instance.ReadRequest(RelayMode.ChatCompletions, Fixture.Json(json), (string)body["model"]!,
            new Dictionary<string, string>());
    }

    private static RelayRequest Read(string json)
    {
        var (request, error) = TryRead(json);
        Assert.Null(error);
        return request!;
    }

    [Fact]
    public void Request_ItemsToolsFormatAndReasoning_BecomeChat()
    {
        var request = Read("""
            {"model":"gpt-5","instructions":"Be brief.","max_output_tokens":500,"reasoning":{"effort":"low","summary":"auto"},
             "tools":[{"type":"function","name":"get_weather","description":"Weather","parameters":{"type":"object"},"strict":true}],
             "tool_choice":{"type":"function","name":"get_weather"},
             "text":{"format":{"type":"json_schema","name":"weather","schema":{"type":"object"},"strict":true}},
             "input":[
               {"role":"developer","content":"Use metric units."},
               {"type":"message","role":"user","content":[{"type":"input_text","text":"Weather?"},{"type":"input_image","image_url":"https://x/a.png","detail":"low"}]},
               {"type":"reasoning","id":"rs_1","summary":[]},
               {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking."}]},
               {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
               {"type":"function_call","call_id":"call_2","name":"get_weather","arguments":"{\"city\":\"Rome\"}"},
               {"type":"function_call_output","call_id":"call_1","output":"18C"},
               {"type":"function_call_output","call_id":"call_2","output":"25C"}]}
            """);

        var body = request.Body;
        var messages = body["messages"]!.AsArray();
        Assert.Equal(["system", "system", "user", "assistant", "tool", "tool"], messages.Select(m => (string?)m!["role"]));
        Assert.Equal("Be brief.", (string?)messages[0]!["content"]);
        Assert.Equal(("https://x/a.png", "low"), ((string?)messages[2]!["content"]![1]!["image_url"]!["url"], (string?)messages[2]!["content"]![1]!["image_url"]!["detail"]));
        Assert.Equal("Checking.", (string?)messages[3]!["content"]);
        Assert.Equal(["call_1", "call_2"], messages[3]!["tool_calls"]!.AsArray().Select(c => (string?)c!["id"]));
        Assert.Equal(("call_2", "25C"), ((string?)messages[5]!["tool_call_id"], (string?)messages[5]!["content"]));
        Assert.Equal("get_weather", (string?)body["tools"]![0]!["function"]!["name"]);
        Assert.True((bool)body["tools"]![0]!["function"]!["strict"]!);
        Assert.Equal("get_weather", (string?)body["tool_choice"]!["function"]!["name"]);
        Assert.Equal(("json_schema", "weather"), ((string?)body["response_format"]!["type"], (string?)body["response_format"]!["json_schema"]!["name"]));
        Assert.Equal("low", (string?)body["reasoning_effort"]);
        Assert.Equal(500, request.MaxTokens);
        Assert.NotNull(request.ClientBody);
    }

    [Fact]
    public void Request_StringInputStreamed_AsksForUsage()
    {
        var request = Read("""{"model":"m","input":"hi","stream":true}""");

        Assert.Equal("""[{"role":"user","content":"hi"}]""", request.Body["messages"]!.ToJsonString());
        Assert.True(request.ClientWantsStreamUsage);
    }

    [Theory]
    [InlineData("""{"model":"m","input":"hi","tools":[{"type":"web_search"}]}""", "tools")]
    [InlineData("""{"model":"m","input":[{"type":"item_reference","id":"x"}]}""", "item_reference")]
    [InlineData("""{"model":"m","input":"hi","max_output_tokens":-1}""", "max_output_tokens")]
    [InlineData("""{"model":"m"}""", "input")]
    public void Request_WithoutAChatForm_IsRefusedWith400(string json, string named)
    {
        var (request, error) = TryRead(json);

        Assert.Null(request);
        Assert.Equal(400, error!.StatusCode);
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public async Task Answer_TextReasoningAndCalls_BecomeOutputItems()
    {
        var request = Read("""{"model":"gpt-4o","input":"x","instructions":"Be brief."}""");
        var adaptor = ResponsesClientApi.Instance.Adapt(TestAdaptors.Anthropic(), request);
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            Content = new StringContent("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-x","stop_reason":"tool_use",
                 "content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
                 "usage":{"input_tokens":30,"output_tokens":9}}
                """),
        };

        var answer = await adaptor.ReadAnswerAsync(response, request, CancellationToken.None);

        var result = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal(("response", "completed", "Be brief."), ((string?)result["object"], (string?)result["status"], (string?)result["instructions"]));
        Assert.Equal(["reasoning", "message", "function_call"], result["output"]!.AsArray().Select(i => (string?)i!["type"]));
        Assert.Equal("hmm", (string?)result["output"]![0]!["summary"]![0]!["text"]);
        Assert.Equal("Checking.", (string?)result["output"]![1]!["content"]![0]!["text"]);
        var call = result["output"]![2]!;
        Assert.Equal(("toolu_1", "get_weather", "Paris"), ((string?)call["call_id"], (string?)call["name"], (string?)JsonNode.Parse((string)call["arguments"]!)!["city"]));
        Assert.Equal((30, 9, 39), ((int)result["usage"]!["input_tokens"]!, (int)result["usage"]!["output_tokens"]!, (int)result["usage"]!["total_tokens"]!));
        Assert.Equal(Usage.Of(30, 9), answer.Usage);
    }

    [Fact]
    public async Task Stream_ChatChunks_BecomeTheDocumentedEventSequence()
    {
        var request = Read("""{"model":"gpt-4o","input":"x","stream":true}""");
        var adaptor = ResponsesClientApi.Instance.Adapt(TestAdaptors.OpenAI(), request);
        var frames = await adaptor.ReadAllAsync(ChatTranscript.ReasoningTextAndToolCall("length", "Hi", " there"), request);

        var events = frames.Where(f => !f.Data.IsEmpty).ToList();
        Assert.Equal(
            ["response.created", "response.in_progress",
             "response.output_item.added", "response.reasoning_summary_part.added", "response.reasoning_summary_text.delta",
             "response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done",
             "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
             "response.output_text.done", "response.content_part.done", "response.output_item.done",
             "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.done", "response.output_item.done",
             "response.incomplete"],
            events.Select(e => e.Event));
        var json = events.Select(e => JsonNode.Parse(e.Data.Span)!).ToList();
        Assert.All(events.Zip(json), p => Assert.Equal(p.First.Event, (string?)p.Second["type"]));
        Assert.Equal(Enumerable.Range(0, events.Count), json.Select(j => (int)j["sequence_number"]!));
        Assert.Equal("Hi there", (string?)json[12]["text"]);
        Assert.Equal("""{"a":1}""", (string?)json[17]["arguments"]);
        var last = json[^1]["response"]!;
        Assert.Equal(("incomplete", "max_output_tokens"), ((string?)last["status"], (string?)last["incomplete_details"]!["reason"]));
        Assert.Equal(3, last["output"]!.AsArray().Count);
        Assert.Equal((5, 7), ((int)last["usage"]!["input_tokens"]!, (int)last["usage"]!["output_tokens"]!));
        Assert.Equal(Usage.Of(5, 7), frames.Last(f => f.Usage is not null).Usage);
    }
}
