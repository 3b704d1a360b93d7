using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Anthropic;

/// <summary>
/// OpenAI chunks → Claude's stream events (https://docs.anthropic.com/en/docs/build-with-claude/streaming):
/// <c>message_start</c>, a content block per kind of output (thinking, text, each tool call) with its deltas,
/// then <c>message_delta</c> with the stop reason and usage, and <c>message_stop</c>.
/// </summary>
public sealed class ToAnthropicStream(string model) : ChatChunkTranslator
{
    private readonly Dictionary<int, int> _blockByToolIndex = [];
    private bool _started;
    private int _blockIndex = -1;
    private string? _blockType;

    /// <summary>The closing events, once the upstream stream has ended.</summary>
    public override IEnumerable<StreamFrame> Finish()
    {
        var events = new List<JsonObject>();
        Start(events, null);
        CloseBlock(events);
        events.Add(new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = ToAnthropicAnswer.StopReason(FinishReason), ["stop_sequence"] = null },
            ["usage"] = ToAnthropicAnswer.Usage(ChatUsage),
        });
        events.Add(new JsonObject { ["type"] = "message_stop" });
        return EventFrames.Of(events, null, null, null);
    }

    protected override JsonObject ErrorEvent(RelayError error) => new()
    {
        ["type"] = "error",
        ["error"] = new JsonObject { ["type"] = AnthropicClientApi.ErrorType(error), ["message"] = error.Message },
    };

    protected override void Delta(List<JsonObject> events, JsonObject delta)
    {
        if (ToAnthropicAnswer.ReasoningText(delta) is { Length: > 0 } reasoning)
        {
            Open(events, "thinking", new JsonObject { ["type"] = "thinking", ["thinking"] = "" });
            events.Add(Delta(new JsonObject { ["type"] = "thinking_delta", ["thinking"] = reasoning }));
        }
        foreach (var block in (delta["thinking_blocks"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if (JsonWire.String(block["signature"]) is { Length: > 0 } signature && _blockType == "thinking")
            {
                events.Add(Delta(new JsonObject { ["type"] = "signature_delta", ["signature"] = signature }));
            }
        }
        if (JsonWire.String(delta["content"]) is { Length: > 0 } text)
        {
            Open(events, "text", new JsonObject { ["type"] = "text", ["text"] = "" });
            events.Add(Delta(new JsonObject { ["type"] = "text_delta", ["text"] = text }));
        }
        foreach (var call in (delta["tool_calls"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            ToolCall(events, call);
        }
    }

    private void ToolCall(List<JsonObject> events, JsonObject call)
    {
        var index = JsonWire.Int(call["index"]) ?? 0;
        var function = call["function"] as JsonObject;
        if (!_blockByToolIndex.TryGetValue(index, out var block) || JsonWire.String(call["id"]) is { Length: > 0 } && block != _blockIndex)
        {
            CloseBlock(events);
            _blockIndex++;
            _blockType = "tool_use";
            _blockByToolIndex[index] = _blockIndex;
            events.Add(new JsonObject
            {
                ["type"] = "content_block_start",
                ["index"] = _blockIndex,
                ["content_block"] = new JsonObject
                {
                    ["type"] = "tool_use",
                    ["id"] = JsonWire.String(call["id"]) ?? "toolu_" + Guid.NewGuid().ToString("N"),
                    ["name"] = JsonWire.String(function?["name"]) ?? "",
                    ["input"] = new JsonObject(),
                },
            });
        }
        if (JsonWire.String(function?["arguments"]) is { Length: > 0 } arguments)
        {
            events.Add(new JsonObject
            {
                ["type"] = "content_block_delta",
                ["index"] = _blockByToolIndex[index],
                ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = arguments },
            });
        }
    }

    protected override void Start(List<JsonObject> events, JsonObject? chunk)
    {
        if (_started)
        {
            return;
        }
        _started = true;
        events.Add(new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = "msg_" + (JsonWire.String(chunk?["id"]) ?? Guid.NewGuid().ToString("N")),
                ["type"] = "message",
                ["role"] = "assistant",
                ["content"] = new JsonArray(),
                ["model"] = JsonWire.String(chunk?["model"]) ?? model,
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
            },
        });
    }

    private void Open(List<JsonObject> events, string type, JsonObject contentBlock)
    {
        if (_blockType == type)
        {
            return;
        }
        CloseBlock(events);
        _blockIndex++;
        _blockType = type;
        events.Add(new JsonObject { ["type"] = "content_block_start", ["index"] = _blockIndex, ["content_block"] = contentBlock });
    }

    private void CloseBlock(List<JsonObject> events)
    {
        if (_blockType is null)
        {
            return;
        }
        events.Add(new JsonObject { ["type"] = "content_block_stop", ["index"] = _blockIndex });
        _blockType = null;
    }

    private JsonObject Delta(JsonObject delta) => new() { ["type"] = "content_block_delta", ["index"] = _blockIndex, ["delta"] = delta };
}
