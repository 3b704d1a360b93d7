using System.Text.Json;
using System.Text.Json.Nodes;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Anthropic;

/// <summary>An OpenAI <c>chat.completion</c> → Anthropic's <c>message</c>, for <c>/v1/messages</c> clients of non-Claude channels.</summary>
public static class ToAnthropicAnswer
{
    public static byte[] Convert(ReadOnlySpan<byte> openAIAnswer, string model)
    {
        var answer = JsonWire.Parse(openAIAnswer) ?? [];
        var choice = (answer["choices"] as JsonArray)?.FirstOrDefault() as JsonObject;
        var message = choice?["message"] as JsonObject ?? [];
        var content = new JsonArray();
        var thinking = ReasoningText(message);
        var signed = (message["thinking_blocks"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (signed.Count > 0)
        {
            foreach (var block in signed)
            {
                content.Add(block.DeepClone());
            }
        }
        else if (!string.IsNullOrEmpty(thinking))
        {
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = thinking, ["signature"] = "" });
        }
        if (JsonWire.String(message["content"]) is { Length: > 0 } text)
        {
            content.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        }
        foreach (var call in (message["tool_calls"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            content.Add(ToolUse(call));
        }
        var result = new JsonObject
        {
            ["id"] = "msg_" + (JsonWire.String(answer["id"]) ?? Guid.NewGuid().ToString("N")),
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = JsonWire.String(answer["model"]) ?? model,
            ["content"] = content,
            ["stop_reason"] = StopReason(JsonWire.String(choice?["finish_reason"])),
            ["stop_sequence"] = null,
            ["usage"] = Usage(answer["usage"] as JsonObject),
        };
        return JsonWire.Serialize(result);
    }

    /// <summary>Reasoning in whichever field the provider uses.</summary>
    public static string? ReasoningText(JsonObject holder) =>
        ReasoningFormat.Fields.Select(f => JsonWire.String(holder[f])).FirstOrDefault(t => t is not null);

    public static JsonObject ToolUse(JsonObject call)
    {
        var function = call["function"] as JsonObject;
        return new JsonObject
        {
            ["type"] = "tool_use",
            ["id"] = JsonWire.String(call["id"]),
            ["name"] = JsonWire.String(function?["name"]),
            ["input"] = ParseObject(JsonWire.String(function?["arguments"])),
        };
    }

    public static JsonObject ParseObject(string? json)
    {
        try
        {
            return string.IsNullOrWhiteSpace(json) ? [] : JsonNode.Parse(json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>OpenAI finish reasons as Claude's stop reasons.</summary>
    public static string StopReason(string? finishReason) => finishReason switch
    {
        "length" => "max_tokens",
        "tool_calls" or "function_call" => "tool_use",
        "content_filter" => "refusal",
        _ => "end_turn",
    };

    /// <summary>OpenAI usage as Claude's: cached prompt tokens are reported apart from the uncached input.</summary>
    public static JsonObject Usage(JsonObject? usage)
    {
        var prompt = JsonWire.Int(usage?["prompt_tokens"]) ?? 0;
        var cached = JsonWire.Int((usage?["prompt_tokens_details"] as JsonObject)?["cached_tokens"]) ?? 0;
        return new JsonObject
        {
            ["input_tokens"] = Math.Max(0, prompt - cached),
            ["output_tokens"] = JsonWire.Int(usage?["completion_tokens"]) ?? 0,
            ["cache_read_input_tokens"] = cached,
        };
    }
}
