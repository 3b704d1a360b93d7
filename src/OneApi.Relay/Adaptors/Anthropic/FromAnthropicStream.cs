using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Anthropic;

/// <summary>
/// Claude's stream events (https://docs.anthropic.com/en/docs/build-with-claude/streaming) → OpenAI chunks, one
/// event at a time. Events are told apart by their JSON <c>type</c>, so the same translator reads Anthropic's SSE,
/// Vertex AI's SSE and the payloads of Bedrock's binary event stream.
/// </summary>
public sealed class FromAnthropicStream(RelayRequest request, long created)
{
    private readonly ReasoningFormat _format = ReasoningFormat.For(request);
    private readonly Dictionary<int, int> _toolIndexByBlock = [];
    private string _id = "chatcmpl-" + Guid.NewGuid().ToString("N");
    private string _model = request.Model;
    private AnthropicUsage _usage;
    private readonly bool _includeUsage = request.AsksForStreamUsage;

    /// <summary>
    /// The OpenAI frames for a stream of Messages event payloads, however the host framed them; ends after
    /// <c>message_stop</c> or an <c>error</c> event.
    /// </summary>
    public static async IAsyncEnumerable<StreamFrame> ReadAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request, long created,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var translator = new FromAnthropicStream(request, created);
        await foreach (var data in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (translator.Translate(data.Span) is { } frame)
            {
                yield return frame;
                if (frame.Error is not null)
                {
                    yield break;
                }
            }
            if (translator.Finished)
            {
                yield break;
            }
        }
    }

    /// <summary>True once <c>message_stop</c> arrived: the stream is complete.</summary>
    public bool Finished { get; private set; }

    /// <summary>The frame for one event, or null for events the client gets nothing from (ping, block stops).</summary>
    public StreamFrame? Translate(ReadOnlySpan<byte> data)
    {
        if (JsonWire.Parse(data) is not { } evt)
        {
            return null;
        }
        switch (JsonWire.String(evt["type"]))
        {
            case "message_start":
                var message = evt["message"] as JsonObject;
                _id = "chatcmpl-" + (JsonWire.String(message?["id"]) ?? Guid.NewGuid().ToString("N"));
                _model = JsonWire.String(message?["model"]) ?? _model;
                // Only the input is known here; usage is reported with message_delta, so a stream cut off before
                // it is billed from what was delivered.
                _usage = AnthropicUsage.Read(message?["usage"]);
                return Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" });
            case "content_block_start":
                return BlockStart(JsonWire.Int(evt["index"]) ?? 0, evt["content_block"] as JsonObject);
            case "content_block_delta":
                return BlockDelta(JsonWire.Int(evt["index"]) ?? 0, evt["delta"] as JsonObject);
            case "message_delta":
                _usage = _usage.Merge(AnthropicUsage.Read(evt["usage"]));
                var finish = AnthropicUsage.FinishReason(JsonWire.String((evt["delta"] as JsonObject)?["stop_reason"]));
                return new StreamFrame(JsonWire.Serialize(ChunkJson(new JsonObject(), finish)), _usage.ToUsage());
            case "message_stop":
                Finished = true;
                return _includeUsage ? UsageChunk() : null;
            case "error":
                var error = AnthropicErrors.FromEvent(evt);
                return new StreamFrame(OpenAIError.Serialize(error, ""), Error: error);
            default:
                // ping, content_block_stop, and event types added later.
                return null;
        }
    }

    /// <summary>
    /// OpenAI's last chunk for <c>stream_options.include_usage</c>: empty choices and the usage, apart from the finish
    /// chunk. Billing already has the usage from <c>message_delta</c>; the client API drops this chunk when only the
    /// gateway asked for usage.
    /// </summary>
    private StreamFrame UsageChunk()
    {
        var chunk = ChunkJson(new JsonObject(), null);
        chunk["choices"] = new JsonArray();
        chunk["usage"] = _usage.ToOpenAI();
        return new StreamFrame(JsonWire.Serialize(chunk), _usage.ToUsage());
    }

    private StreamFrame? BlockStart(int index, JsonObject? block)
    {
        switch (JsonWire.String(block?["type"]))
        {
            case "tool_use":
                var toolIndex = _toolIndexByBlock.Count;
                _toolIndexByBlock[index] = toolIndex;
                return Chunk(new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["index"] = toolIndex,
                        ["id"] = JsonWire.String(block!["id"]),
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = JsonWire.String(block["name"]), ["arguments"] = "" },
                    }),
                });
            case "redacted_thinking":
                return Chunk(new JsonObject { ["thinking_blocks"] = new JsonArray(block!.DeepClone()) });
            case "text" when JsonWire.String(block!["text"]) is { Length: > 0 } text:
                return Chunk(new JsonObject { ["content"] = text }, text: text);
            default:
                return null;
        }
    }

    private StreamFrame? BlockDelta(int index, JsonObject? delta)
    {
        switch (JsonWire.String(delta?["type"]))
        {
            case "text_delta":
                var text = JsonWire.String(delta!["text"]) ?? "";
                return Chunk(new JsonObject { ["content"] = text }, text: text);
            case "thinking_delta":
                var thinking = JsonWire.String(delta!["thinking"]) ?? "";
                return Chunk(new JsonObject { [_format.Field] = thinking }, text: thinking);
            case "signature_delta":
                // The signature Claude needs back with the thinking when a later turn replays it (LiteLLM's shape).
                return Chunk(new JsonObject
                {
                    ["thinking_blocks"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "thinking", ["thinking"] = "", ["signature"] = JsonWire.String(delta!["signature"]) ?? "",
                    }),
                });
            case "input_json_delta" when _toolIndexByBlock.TryGetValue(index, out var toolIndex):
                var arguments = JsonWire.String(delta!["partial_json"]) ?? "";
                return Chunk(new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["index"] = toolIndex,
                        ["function"] = new JsonObject { ["arguments"] = arguments },
                    }),
                }, text: arguments);
            default:
                return null;
        }
    }

    private StreamFrame Chunk(JsonObject delta, string? finishReason = null, string? text = null) =>
        new(JsonWire.Serialize(ChunkJson(delta, finishReason)), Text: text);

    private JsonObject ChunkJson(JsonObject delta, string? finishReason) => new()
    {
        ["id"] = _id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = _model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
    };
}
