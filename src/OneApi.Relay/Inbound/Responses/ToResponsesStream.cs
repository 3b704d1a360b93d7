using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Inbound.Anthropic;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Responses;

/// <summary>
/// OpenAI chat chunks → the Responses API's stream events
/// (https://platform.openai.com/docs/api-reference/responses-streaming): <c>response.created</c> and
/// <c>response.in_progress</c>, then one output item at a time (reasoning summary, message text, each function call)
/// opened, filled with deltas and closed, then <c>response.completed</c> (or <c>response.incomplete</c>) with usage.
/// </summary>
public sealed class ToResponsesStream(JsonObject request, string model) : ChatChunkTranslator
{
    private readonly JsonArray _output = [];
    private readonly StringBuilder _text = new();
    private JsonObject? _response;
    private string _id = "";
    private int _sequence;
    private OpenItem? _open;
    private int _toolIndex = -1;

    private sealed record OpenItem(string Kind, string Id, int OutputIndex, JsonObject Item);

    protected override JsonObject ErrorEvent(RelayError error) => new()
    {
        ["type"] = "error",
        ["code"] = error.Code,
        ["message"] = error.Message,
        ["param"] = error.Param,
    };

    /// <summary>The closing events, once the upstream stream has ended.</summary>
    public override IEnumerable<StreamFrame> Finish()
    {
        var events = new List<JsonObject>();
        Start(events, null);
        Close(events);
        var response = (JsonObject)_response!.DeepClone();
        response["output"] = _output.DeepClone();
        ToResponsesAnswer.Finish(response, FinishReason, ChatUsage);
        events.Add(new JsonObject
        {
            ["type"] = JsonWire.String(response["status"]) == "completed" ? "response.completed" : "response.incomplete",
            ["response"] = response,
        });
        return Frames(events, null, null, null);
    }

    protected override void Delta(List<JsonObject> events, JsonObject delta)
    {
        if (ToAnthropicAnswer.ReasoningText(delta) is { Length: > 0 } reasoning)
        {
            Reasoning(events, reasoning);
        }
        if (JsonWire.String(delta["content"]) is { Length: > 0 } text)
        {
            Text(events, text);
        }
        foreach (var call in (delta["tool_calls"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            ToolCall(events, call);
        }
    }

    private void Reasoning(List<JsonObject> events, string reasoning)
    {
        if (_open?.Kind != "reasoning")
        {
            var item = new JsonObject { ["id"] = "rs_" + _id, ["type"] = "reasoning", ["summary"] = new JsonArray() };
            var open = Open(events, "reasoning", item);
            events.Add(ItemEvent("response.reasoning_summary_part.added", open, "summary_index", ToResponsesAnswer.SummaryText("")));
        }
        _text.Append(reasoning);
        events.Add(DeltaEvent("response.reasoning_summary_text.delta", "summary_index", reasoning));
    }

    private void Text(List<JsonObject> events, string text)
    {
        if (_open?.Kind != "message")
        {
            var open = Open(events, "message", ToResponsesAnswer.Message("msg_" + _id, "in_progress"));
            events.Add(ItemEvent("response.content_part.added", open, "content_index", ToResponsesAnswer.OutputText("")));
        }
        _text.Append(text);
        var delta = DeltaEvent("response.output_text.delta", "content_index", text);
        delta["logprobs"] = new JsonArray();
        events.Add(delta);
    }

    private void ToolCall(List<JsonObject> events, JsonObject call)
    {
        var index = JsonWire.Int(call["index"]) ?? 0;
        var function = call["function"] as JsonObject;
        if (_open?.Kind != "function_call" || index != _toolIndex)
        {
            _toolIndex = index;
            var callId = JsonWire.String(call["id"]) ?? "call_" + Guid.NewGuid().ToString("N");
            Open(events, "function_call", ToResponsesAnswer.FunctionCall(callId, JsonWire.String(function?["name"]) ?? "", "", "in_progress"));
        }
        if (JsonWire.String(function?["arguments"]) is { Length: > 0 } arguments)
        {
            _text.Append(arguments);
            var delta = DeltaEvent("response.function_call_arguments.delta", null, arguments);
            events.Add(delta);
        }
    }

    private OpenItem Open(List<JsonObject> events, string kind, JsonObject item)
    {
        Close(events);
        _open = new OpenItem(kind, JsonWire.String(item["id"])!, _output.Count, item);
        _text.Clear();
        events.Add(new JsonObject { ["type"] = "response.output_item.added", ["output_index"] = _open.OutputIndex, ["item"] = item.DeepClone() });
        return _open;
    }

    /// <summary>Ends the open item with its "done" events, the whole text repeated as OpenAI does.</summary>
    private void Close(List<JsonObject> events)
    {
        if (_open is not { } open)
        {
            return;
        }
        var text = _text.ToString();
        var item = open.Item;
        switch (open.Kind)
        {
            case "reasoning":
                var summary = ToResponsesAnswer.SummaryText(text);
                events.Add(WithIndex(ItemEvent("response.reasoning_summary_text.done", open, "summary_index", null), "text", text));
                events.Add(ItemEvent("response.reasoning_summary_part.done", open, "summary_index", summary.DeepClone()));
                item["summary"] = new JsonArray(summary);
                break;
            case "message":
                var part = ToResponsesAnswer.OutputText(text);
                var done = WithIndex(ItemEvent("response.output_text.done", open, "content_index", null), "text", text);
                done["logprobs"] = new JsonArray();
                events.Add(done);
                events.Add(ItemEvent("response.content_part.done", open, "content_index", part.DeepClone()));
                item["content"] = new JsonArray(part);
                item["status"] = "completed";
                break;
            default:
                var arguments = ItemEvent("response.function_call_arguments.done", open, null, null);
                arguments["name"] = item["name"]?.DeepClone();
                arguments["arguments"] = text;
                events.Add(arguments);
                item["arguments"] = text;
                item["status"] = "completed";
                break;
        }
        events.Add(new JsonObject { ["type"] = "response.output_item.done", ["output_index"] = open.OutputIndex, ["item"] = item.DeepClone() });
        _output.Add(item);
        _open = null;
    }

    private static JsonObject WithIndex(JsonObject evt, string name, string value)
    {
        evt[name] = value;
        return evt;
    }

    /// <summary>An event about the open item: its id and index, the part's index when it has parts, and the part.</summary>
    private static JsonObject ItemEvent(string type, OpenItem open, string? partIndex, JsonNode? part)
    {
        var evt = new JsonObject { ["type"] = type, ["item_id"] = open.Id, ["output_index"] = open.OutputIndex };
        if (partIndex is not null)
        {
            evt[partIndex] = 0;
        }
        if (part is not null)
        {
            evt["part"] = part;
        }
        return evt;
    }

    private JsonObject DeltaEvent(string type, string? partIndex, string delta)
    {
        var evt = ItemEvent(type, _open!, partIndex, null);
        evt["delta"] = delta;
        return evt;
    }

    protected override void Start(List<JsonObject> events, JsonObject? chunk)
    {
        if (_response is not null)
        {
            return;
        }
        _id = JsonWire.String(chunk?["id"]) ?? Guid.NewGuid().ToString("N");
        var created = JsonWire.Int(chunk?["created"]) ?? (int)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        _response = ToResponsesAnswer.Envelope(request, "resp_" + _id, created, JsonWire.String(chunk?["model"]) ?? model, []);
        events.Add(new JsonObject { ["type"] = "response.created", ["response"] = _response.DeepClone() });
        events.Add(new JsonObject { ["type"] = "response.in_progress", ["response"] = _response.DeepClone() });
    }

    protected override IEnumerable<StreamFrame> Frames(List<JsonObject> events, Usage? usage, string? text, RelayError? error)
    {
        foreach (var evt in events)
        {
            evt["sequence_number"] = _sequence++;
        }
        return EventFrames.Of(events, usage, text, error);
    }
}
