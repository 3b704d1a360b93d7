using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Responses;

/// <summary>
/// A Responses API request (https://platform.openai.com/docs/api-reference/responses/create) → an OpenAI chat
/// request, for channels that do not speak Responses. Input items become messages: <c>instructions</c> a system
/// message, <c>function_call</c> items an assistant's tool calls, <c>function_call_output</c> items tool messages.
/// </summary>
public static class FromResponsesRequest
{
    /// <summary>Fields with the same name and meaning in both APIs.</summary>
    private static readonly string[] SameFields = ["temperature", "top_p", "parallel_tool_calls", "user", "stream"];

    /// <summary>The chat body, or the 400 for a part of the request that has no chat form.</summary>
    public static (JsonObject? Chat, RelayError? Error) Convert(JsonObject body)
    {
        try
        {
            return (ToChat(body), null);
        }
        catch (RelayErrorException e)
        {
            return (null, e.Error);
        }
    }

    private static JsonObject ToChat(JsonObject body)
    {
        var chat = new JsonObject { ["model"] = body["model"]?.DeepClone(), ["messages"] = Messages(body) };
        foreach (var field in SameFields)
        {
            if (body[field] is { } value)
            {
                chat[field] = value.DeepClone();
            }
        }
        if (body["max_output_tokens"] is { } limit)
        {
            chat["max_tokens"] = limit.DeepClone();
        }
        if (JsonWire.Bool(body["stream"]) == true)
        {
            // The converted events end with usage, which only a usage chunk gives.
            chat["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        if (body["tools"] is JsonArray tools && tools.Count > 0)
        {
            chat["tools"] = new JsonArray(tools.Select(Tool).ToArray());
        }
        if (body["tool_choice"] is { } choice)
        {
            chat["tool_choice"] = ToolChoice(choice);
        }
        if ((body["text"] as JsonObject)?["format"] is JsonObject format && ResponseFormat(format) is { } responseFormat)
        {
            chat["response_format"] = responseFormat;
        }
        if ((body["reasoning"] as JsonObject)?["effort"] is JsonValue effort)
        {
            chat["reasoning_effort"] = effort.DeepClone();
        }
        return chat;
    }

    private static JsonArray Messages(JsonObject body)
    {
        var messages = new JsonArray();
        if (JsonWire.String(body["instructions"]) is { Length: > 0 } instructions)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = instructions });
        }
        switch (body["input"])
        {
            case JsonValue text when JsonWire.String(text) is { } prompt:
                messages.Add(new JsonObject { ["role"] = "user", ["content"] = prompt });
                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    Add(messages, item as JsonObject ?? throw Invalid("input: every item must be an object"));
                }
                break;
            default:
                throw Invalid("input: a string or an array of items is required");
        }
        return messages;
    }

    private static void Add(JsonArray messages, JsonObject item)
    {
        switch (JsonWire.String(item["type"]) ?? "message")
        {
            case "message":
                messages.Add(Message(item));
                break;
            case "function_call":
                ToolCallsHolder(messages).Add(new JsonObject
                {
                    ["id"] = JsonWire.String(item["call_id"]),
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = JsonWire.String(item["name"]), ["arguments"] = JsonWire.String(item["arguments"]) ?? "" },
                });
                break;
            case "function_call_output":
                messages.Add(new JsonObject
                {
                    ["role"] = "tool",
                    ["tool_call_id"] = JsonWire.String(item["call_id"]),
                    ["content"] = item["output"] is JsonArray parts ? string.Concat(parts.OfType<JsonObject>().Select(p => JsonWire.String(p["text"]))) : JsonWire.String(item["output"]) ?? "",
                });
                break;
            case "reasoning":
                break; // another model's reasoning (often encrypted) cannot be replayed to this one
            case var type:
                throw Invalid($"input: items of type '{type}' are served only by OpenAI channels");
        }
    }

    /// <summary>Consecutive function calls are one assistant turn in chat: they join the assistant message before them.</summary>
    private static JsonArray ToolCallsHolder(JsonArray messages)
    {
        if (messages.LastOrDefault() is not JsonObject last || JsonWire.String(last["role"]) != "assistant")
        {
            last = new JsonObject { ["role"] = "assistant", ["content"] = null };
            messages.Add(last);
        }
        if (last["tool_calls"] is not JsonArray calls)
        {
            last["tool_calls"] = calls = [];
        }
        return calls;
    }

    private static JsonObject Message(JsonObject item)
    {
        var role = JsonWire.String(item["role"]) ?? "user";
        // Chat's system role is the one every converted provider reads; OpenAI's developer role means the same.
        role = role == "developer" ? "system" : role;
        if (item["content"] is not JsonArray parts)
        {
            return new JsonObject { ["role"] = role, ["content"] = JsonWire.String(item["content"]) ?? "" };
        }
        if (role != "user")
        {
            return new JsonObject { ["role"] = role, ["content"] = string.Concat(parts.OfType<JsonObject>().Select(PartText)) };
        }
        return new JsonObject { ["role"] = role, ["content"] = new JsonArray(parts.OfType<JsonObject>().Select(ContentPart).ToArray()) };
    }

    private static string? PartText(JsonObject part) => JsonWire.String(part["text"]) ?? JsonWire.String(part["refusal"]);

    private static JsonNode ContentPart(JsonObject part) => JsonWire.String(part["type"]) switch
    {
        "input_text" or "output_text" => new JsonObject { ["type"] = "text", ["text"] = JsonWire.String(part["text"]) ?? "" },
        "input_image" when JsonWire.String(part["image_url"]) is { } url => new JsonObject
        {
            ["type"] = "image_url",
            ["image_url"] = new JsonObject { ["url"] = url, ["detail"] = JsonWire.String(part["detail"]) ?? "auto" },
        },
        var type => throw Invalid($"input: content parts of type '{type}' (or images by file id) are served only by OpenAI channels"),
    };

    private static JsonNode Tool(JsonNode? tool)
    {
        if (tool is not JsonObject function || JsonWire.String(function["type"]) != "function")
        {
            throw Invalid($"tools: '{JsonWire.String(tool?["type"])}' tools are served only by OpenAI channels; others take function tools");
        }
        var converted = new JsonObject { ["name"] = JsonWire.String(function["name"]) };
        foreach (var field in (string[])["description", "parameters", "strict"])
        {
            if (function[field] is { } value)
            {
                converted[field] = value.DeepClone();
            }
        }
        return new JsonObject { ["type"] = "function", ["function"] = converted };
    }

    private static JsonNode ToolChoice(JsonNode choice) => choice is JsonObject named && JsonWire.String(named["type"]) == "function"
        ? new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = JsonWire.String(named["name"]) } }
        : choice.DeepClone();

    private static JsonObject? ResponseFormat(JsonObject format) => JsonWire.String(format["type"]) switch
    {
        "json_schema" => new JsonObject
        {
            ["type"] = "json_schema",
            ["json_schema"] = new JsonObject
            {
                ["name"] = JsonWire.String(format["name"]) ?? "response",
                ["description"] = format["description"]?.DeepClone(),
                ["schema"] = format["schema"]?.DeepClone(),
                ["strict"] = format["strict"]?.DeepClone(),
            },
        },
        "json_object" => new JsonObject { ["type"] = "json_object" },
        _ => null,
    };

    private static RelayErrorException Invalid(string message) => new(RelayError.InvalidRequest(message, "invalid_request_error"));
}
