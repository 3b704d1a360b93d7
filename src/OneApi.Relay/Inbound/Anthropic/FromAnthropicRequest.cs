using System.Text.Json.Nodes;
using OneApi.Relay.Adaptors.Anthropic;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Anthropic;

/// <summary>
/// An Anthropic Messages request (https://docs.anthropic.com/en/api/messages) → the OpenAI chat request the relay
/// routes, prices and sends to channels that do not speak Messages.
/// </summary>
public static class FromAnthropicRequest
{
    public static JsonObject Convert(JsonObject source)
    {
        var body = new JsonObject { ["model"] = source["model"]?.DeepClone() };
        var messages = new JsonArray();
        if (SystemText(source) is { Length: > 0 } system)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = system });
        }
        foreach (var message in (source["messages"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if (JsonWire.String(message["role"]) == "assistant")
            {
                messages.Add(Assistant(message["content"]));
            }
            else
            {
                foreach (var converted in User(message["content"]))
                {
                    messages.Add(converted);
                }
            }
        }
        body["messages"] = messages;
        foreach (var (from, to) in (ReadOnlySpan<(string, string)>)[("max_tokens", "max_tokens"), ("temperature", "temperature"), ("top_p", "top_p"), ("top_k", "top_k")])
        {
            if (source[from] is JsonValue value)
            {
                body[to] = value.DeepClone();
            }
        }
        if (source["stop_sequences"] is JsonArray stops)
        {
            body["stop"] = stops.DeepClone();
        }
        if (JsonWire.Bool(source["stream"]) == true)
        {
            body["stream"] = true;
            // Usage from OpenAI-compatible upstreams, for message_delta and for the bill.
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        if (Tools(source["tools"] as JsonArray) is { Count: > 0 } tools)
        {
            body["tools"] = tools;
            ToolChoice(source["tool_choice"] as JsonObject, body);
        }
        if (source["thinking"] is JsonObject thinking)
        {
            body["thinking"] = thinking.DeepClone();
        }
        if (JsonWire.String((source["metadata"] as JsonObject)?["user_id"]) is { } user)
        {
            body["user"] = user;
        }
        return body;
    }

    /// <summary>The system prompt as one text: a string, or the text of its blocks joined with newlines.</summary>
    public static string? SystemText(JsonObject source) => source["system"] switch
    {
        JsonValue value => JsonWire.String(value),
        JsonArray blocks => string.Join("\n", blocks.OfType<JsonObject>().Select(b => JsonWire.String(b["text"])).Where(t => t is not null)),
        _ => null,
    };

    /// <summary>A user turn: its tool results become <c>tool</c> messages (first, as Claude orders them), the rest one user message.</summary>
    private static List<JsonObject> User(JsonNode? content)
    {
        if (JsonWire.String(content) is { } text)
        {
            return [new JsonObject { ["role"] = "user", ["content"] = text }];
        }
        var converted = new List<JsonObject>();
        var parts = new JsonArray();
        foreach (var block in (content as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            switch (JsonWire.String(block["type"]))
            {
                case "tool_result":
                    converted.Add(new JsonObject
                    {
                        ["role"] = "tool",
                        ["tool_call_id"] = JsonWire.String(block["tool_use_id"]),
                        ["content"] = ToolResultText(block["content"]),
                    });
                    break;
                case "text":
                    parts.Add(new JsonObject { ["type"] = "text", ["text"] = JsonWire.String(block["text"]) });
                    break;
                case "image" when ImageUrl(block["source"] as JsonObject) is { } url:
                    parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } });
                    break;
            }
        }
        if (parts.Count > 0)
        {
            converted.Add(new JsonObject { ["role"] = "user", ["content"] = parts });
        }
        return converted;
    }

    private static JsonObject Assistant(JsonNode? content)
    {
        var message = new JsonObject { ["role"] = "assistant" };
        if (JsonWire.String(content) is { } text)
        {
            message["content"] = text;
            return message;
        }
        var texts = new List<string>();
        var toolCalls = new JsonArray();
        var thinkingBlocks = new JsonArray();
        foreach (var block in (content as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            switch (JsonWire.String(block["type"]))
            {
                case "text":
                    texts.Add(JsonWire.String(block["text"]) ?? "");
                    break;
                case "thinking" or "redacted_thinking":
                    thinkingBlocks.Add(block.DeepClone());
                    break;
                case "tool_use":
                    toolCalls.Add(AnthropicToolUse.ToOpenAIToolCall(block));
                    break;
            }
        }
        message["content"] = string.Concat(texts);
        if (thinkingBlocks.Count > 0)
        {
            message["thinking_blocks"] = thinkingBlocks;
        }
        if (toolCalls.Count > 0)
        {
            message["tool_calls"] = toolCalls;
        }
        return message;
    }

    private static string ToolResultText(JsonNode? content) => content switch
    {
        JsonValue => JsonWire.String(content) ?? "",
        JsonArray blocks => string.Join("\n", blocks.OfType<JsonObject>().Select(b => JsonWire.String(b["text"])).Where(t => t is not null)),
        _ => "",
    };

    private static string? ImageUrl(JsonObject? source) => JsonWire.String(source?["type"]) switch
    {
        "base64" => $"data:{JsonWire.String(source!["media_type"])};base64,{JsonWire.String(source["data"])}",
        "url" => JsonWire.String(source!["url"]),
        _ => null,
    };

    private static JsonArray Tools(JsonArray? tools)
    {
        var converted = new JsonArray();
        foreach (var tool in tools?.OfType<JsonObject>() ?? [])
        {
            // Server tools (web search, code execution…) have a versioned type and no input schema: only Claude runs them.
            if (tool["input_schema"] is not JsonObject schema || JsonWire.String(tool["name"]) is not { } name)
            {
                continue;
            }
            var function = new JsonObject { ["name"] = name };
            if (JsonWire.String(tool["description"]) is { } description)
            {
                function["description"] = description;
            }
            function["parameters"] = schema.DeepClone();
            converted.Add(new JsonObject { ["type"] = "function", ["function"] = function });
        }
        return converted;
    }

    private static void ToolChoice(JsonObject? choice, JsonObject body)
    {
        if (choice is null)
        {
            return;
        }
        body["tool_choice"] = JsonWire.String(choice["type"]) switch
        {
            "any" => "required",
            "none" => "none",
            "tool" => new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = JsonWire.String(choice["name"]) } },
            _ => "auto",
        };
        if (JsonWire.Bool(choice["disable_parallel_tool_use"]) == true)
        {
            body["parallel_tool_calls"] = false;
        }
    }
}
