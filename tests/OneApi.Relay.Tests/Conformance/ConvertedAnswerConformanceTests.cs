using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Catalog;
using OneApi.Relay.Inbound.Gemini;
using OneApi.Relay.Inbound.Responses;

namespace OneApi.Relay.Tests.Conformance;

/// <summary>
/// Answers and stream chunks converted from other providers' documented fixtures, checked against OpenAI's
/// published schemas: chat completions for Claude and Gemini channels, the Responses API for converted channels; and
/// Gemini clients' converted answers against Google's documented <c>GenerateContentResponse</c>.
/// </summary>
public sealed class ConvertedAnswerConformanceTests
{
    private const string Claude = "claude-3-7-sonnet-20250219";
    private const string Gemini = "gemini-2.0-flash";

    public static TheoryData<int, string, string> Answers => new()
    {
        { ChannelTypes.Anthropic, Claude, "anthropic/message.json" },
        { ChannelTypes.Anthropic, Claude, "anthropic/message_tool_use.json" },
        { ChannelTypes.Anthropic, Claude, "anthropic/message_thinking.json" },
        { ChannelTypes.Gemini, Gemini, "gemini/generate_content.json" },
        { ChannelTypes.Gemini, Gemini, "gemini/generate_content_function_call.json" },
        { ChannelTypes.Gemini, Gemini, "gemini/generate_content_thinking.json" },
    };

    public static TheoryData<int, string, string, bool> Streams => new()
    {
        { ChannelTypes.Anthropic, Claude, "anthropic/stream_with_usage.sse", true },
        { ChannelTypes.Anthropic, Claude, "anthropic/stream_with_usage.sse", false },
        { ChannelTypes.Anthropic, Claude, "anthropic/stream_tool_use.sse", true },
        { ChannelTypes.Anthropic, Claude, "anthropic/stream_thinking.sse", true },
        { ChannelTypes.Gemini, Gemini, "gemini/stream_with_usage.sse", true },
        { ChannelTypes.Gemini, Gemini, "gemini/stream_with_usage.sse", false },
        { ChannelTypes.Gemini, Gemini, "gemini/stream_function_call.sse", true },
    };

    private static RelayRequest ChatRequest(string model, bool stream, bool includeUsage) => Fixture.Request(
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}}{{(includeUsage ? ""","stream_options":{"include_usage":true}""" : "")}},"messages":[{"role":"user","content":"hi"}]}""");

    private static RelayRequest ResponsesRequest(string model, bool stream)
    {
        var json = $$"""{"model":"{{model}}","input":"hi","instructions":"Be brief.","stream":{{(stream ? "true" : "false")}}}""";
        var (request, _) = ResponsesClientApi.Instance.ReadRequest(RelayMode.ChatCompletions, Fixture.Json(json), model, new Dictionary<string, string>());
        return request!;
    }

    private static async Task<JsonNode> AnswerAsync(IChannelAdaptor adaptor, RelayRequest request, string fixture)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes(fixture)) };
        var answer = await adaptor.ReadAnswerAsync(response, request, CancellationToken.None);
        Assert.Null(answer.Error);
        return JsonNode.Parse(answer.Body.Span)!;
    }

    private static async Task<List<(string? Event, JsonNode Json)>> StreamAsync(IChannelAdaptor adaptor, RelayRequest request, string fixture)
    {
        var frames = new List<(string?, JsonNode)>();
        await foreach (var frame in adaptor.ReadStreamAsync(Fixture.Stream(fixture), request, CancellationToken.None))
        {
            if (!frame.Data.IsEmpty)
            {
                frames.Add((frame.Event, JsonNode.Parse(frame.Data.Span)!));
            }
        }
        return frames;
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task ChatAnswer_ConvertedFromTheProvider_IsAValidChatCompletion(int type, string model, string fixture)
    {
        var request = ChatRequest(model, stream: false, includeUsage: false);

        var answer = await AnswerAsync(TestAdaptors.For(type, model), request, fixture);

        OpenAISchema.AssertValid("CreateChatCompletionResponse", answer);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task ChatStream_ConvertedFromTheProvider_HasValidChunksAndUsageOnlyWhenAsked(int type, string model, string fixture, bool includeUsage)
    {
        var request = ChatRequest(model, stream: true, includeUsage);

        var chunks = await StreamAsync(TestAdaptors.For(type, model), request, fixture);

        Assert.All(chunks, c => OpenAISchema.AssertValid("CreateChatCompletionStreamResponse", c.Json));
        Assert.All(chunks.SkipLast(1), c => Assert.Null(c.Json["usage"]));
        var last = chunks[^1].Json;
        if (includeUsage)
        {
            Assert.Empty(last["choices"]!.AsArray());
            Assert.NotNull(last["usage"]);
        }
        else
        {
            Assert.NotEmpty(last["choices"]!.AsArray());
            Assert.Null(last["usage"]);
        }
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task ResponsesAnswer_ConvertedFromTheProvider_IsAValidResponse(int type, string model, string fixture)
    {
        var request = ResponsesRequest(model, stream: false);
        var adaptor = ResponsesClientApi.Instance.Adapt(TestAdaptors.For(type, model), request);

        var answer = await AnswerAsync(adaptor, request, fixture);

        OpenAISchema.AssertValid("Response", answer);
    }

    public static TheoryData<int, string, string> ResponsesStreams => new()
    {
        { ChannelTypes.Anthropic, Claude, "anthropic/stream_with_usage.sse" },
        { ChannelTypes.Anthropic, Claude, "anthropic/stream_tool_use.sse" },
        { ChannelTypes.Anthropic, Claude, "anthropic/stream_thinking.sse" },
        { ChannelTypes.Gemini, Gemini, "gemini/stream_with_usage.sse" },
        { ChannelTypes.Gemini, Gemini, "gemini/stream_function_call.sse" },
        { ChannelTypes.Anthropic, Claude, "anthropic/stream_error_midway.sse" },
    };

    [Theory]
    [MemberData(nameof(ResponsesStreams))]
    public async Task ResponsesStream_ConvertedFromTheProvider_HasValidEvents(int type, string model, string fixture)
    {
        var request = ResponsesRequest(model, stream: true);
        var adaptor = ResponsesClientApi.Instance.Adapt(TestAdaptors.For(type, model), request);

        var events = await StreamAsync(adaptor, request, fixture);

        Assert.All(events, e => OpenAISchema.AssertValid(EventSchemas[e.Event!], e.Json));
        Assert.True(events[^1].Event == "error" || events[^1].Json["response"]!["usage"] is JsonObject, "the stream ends with usage or an error");
    }

    private static RelayRequest GeminiRequest(string model, GeminiMethod method)
    {
        const string json = """{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"maxOutputTokens":300}}""";
        var api = GeminiClientApi.For(method);
        var (request, _) = api.ReadRequest(api.Mode, Fixture.Json(json), model, new Dictionary<string, string>());
        return request!;
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task GeminiAnswer_ConvertedFromTheProvider_IsAValidGenerateContentResponse(int type, string model, string fixture)
    {
        var request = GeminiRequest(model, GeminiMethod.GenerateContent);
        var adaptor = GeminiClientApi.Instance.Adapt(TestAdaptors.For(type, model), request);

        var answer = await AnswerAsync(adaptor, request, fixture);

        GoogleSchema.AssertValid("GenerateContentResponse", answer);
        Assert.NotNull(answer["usageMetadata"]);
    }

    [Theory]
    [MemberData(nameof(ResponsesStreams))]
    public async Task GeminiStream_ConvertedFromTheProvider_HasValidEvents(int type, string model, string fixture)
    {
        var request = GeminiRequest(model, GeminiMethod.StreamGenerateContent);
        var adaptor = GeminiClientApi.For(GeminiMethod.StreamGenerateContent).Adapt(TestAdaptors.For(type, model), request);

        var events = await StreamAsync(adaptor, request, fixture);

        Assert.All(events, e => Assert.Null(e.Event));
        Assert.All(events.SkipLast(1), e => GoogleSchema.AssertValid("GenerateContentResponse", e.Json));
        var last = events[^1].Json;
        GoogleSchema.AssertValid(last["error"] is null ? "GenerateContentResponse" : "Status", last);
        Assert.True(last["error"] is not null || last["usageMetadata"] is JsonObject, "the stream ends with usage or an error");
    }

    private static readonly Dictionary<string, string> EventSchemas = new()
    {
        ["response.created"] = "ResponseCreatedEvent",
        ["response.in_progress"] = "ResponseInProgressEvent",
        ["response.output_item.added"] = "ResponseOutputItemAddedEvent",
        ["response.output_item.done"] = "ResponseOutputItemDoneEvent",
        ["response.content_part.added"] = "ResponseContentPartAddedEvent",
        ["response.content_part.done"] = "ResponseContentPartDoneEvent",
        ["response.output_text.delta"] = "ResponseTextDeltaEvent",
        ["response.output_text.done"] = "ResponseTextDoneEvent",
        ["response.function_call_arguments.delta"] = "ResponseFunctionCallArgumentsDeltaEvent",
        ["response.function_call_arguments.done"] = "ResponseFunctionCallArgumentsDoneEvent",
        ["response.reasoning_summary_part.added"] = "ResponseReasoningSummaryPartAddedEvent",
        ["response.reasoning_summary_part.done"] = "ResponseReasoningSummaryPartDoneEvent",
        ["response.reasoning_summary_text.delta"] = "ResponseReasoningSummaryTextDeltaEvent",
        ["response.reasoning_summary_text.done"] = "ResponseReasoningSummaryTextDoneEvent",
        ["response.completed"] = "ResponseCompletedEvent",
        ["response.incomplete"] = "ResponseIncompleteEvent",
        ["error"] = "ResponseErrorEvent",
    };
}
