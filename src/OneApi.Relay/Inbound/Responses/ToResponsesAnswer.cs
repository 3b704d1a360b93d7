using System.Text.Json.Nodes;
using OneApi.Relay.Inbound.Anthropic;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Responses;

/// <summary>
/// An OpenAI <c>chat.completion</c> → a Responses API <c>response</c> object
/// (https://platform.openai.com/docs/api-reference/responses/object), for Responses clients of converted channels.
/// The request's settings are echoed as OpenAI does; nothing is stored.
/// </summary>
public static class ToResponsesAnswer
{
    public static byte[] Convert(ReadOnlySpan<byte> chatAnswer, JsonObject request, string model)
    {
        var answer = JsonWire.Parse(chatAnswer) ?? [];
        var choice = (answer["choices"] as JsonArray)?.FirstOrDefault() as JsonObject;
        var message = choice?["message"] as JsonObject ?? [];
        var output = new JsonArray();
        var id = JsonWire.String(answer["id"]) ?? Guid.NewGuid().ToString("N");
        if (ToAnthropicAnswer.ReasoningText(message) is { Length: > 0 } reasoning)
        {
            output.Add(Reasoning("rs_" + id, reasoning));
        }
        if (JsonWire.String(message["content"]) is { Length: > 0 } text)
        {
            output.Add(Message("msg_" + id, "completed", OutputText(text)));
        }
        else if (JsonWire.String(message["refusal"]) is { Length: > 0 } refusal)
        {
            output.Add(Message("msg_" + id, "completed", new JsonObject { ["type"] = "refusal", ["refusal"] = refusal }));
        }
        foreach (var call in (message["tool_calls"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var function = call["function"] as JsonObject;
            output.Add(FunctionCall(JsonWire.String(call["id"]) ?? "", JsonWire.String(function?["name"]) ?? "", JsonWire.String(function?["arguments"]) ?? "", "completed"));
        }
        var created = JsonWire.Int(answer["created"]) ?? (int)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var response = Envelope(request, "resp_" + id, created, JsonWire.String(answer["model"]) ?? model, output);
        Finish(response, JsonWire.String(choice?["finish_reason"]), answer["usage"] as JsonObject);
        return JsonWire.Serialize(response);
    }

    /// <summary>A response object in progress, with the request's settings as OpenAI echoes them.</summary>
    public static JsonObject Envelope(JsonObject request, string id, long createdAt, string model, JsonArray output)
    {
        var response = Settings(request, id, createdAt, model, output);
        // The schema has user and usage as objects or strings, never null: they are left out until known.
        if (request["user"] is JsonValue user)
        {
            response["user"] = user.DeepClone();
        }
        return response;
    }

    private static JsonObject Settings(JsonObject request, string id, long createdAt, string model, JsonArray output) => new()
    {
        ["id"] = id,
        ["object"] = "response",
        ["created_at"] = createdAt,
        ["status"] = "in_progress",
        ["error"] = null,
        ["incomplete_details"] = null,
        ["instructions"] = request["instructions"]?.DeepClone(),
        ["max_output_tokens"] = request["max_output_tokens"]?.DeepClone(),
        ["model"] = model,
        ["output"] = output,
        ["parallel_tool_calls"] = request["parallel_tool_calls"]?.DeepClone() ?? true,
        ["previous_response_id"] = null,
        ["reasoning"] = request["reasoning"]?.DeepClone() ?? new JsonObject { ["effort"] = null, ["summary"] = null },
        ["store"] = false,
        ["temperature"] = request["temperature"]?.DeepClone() ?? 1.0,
        ["text"] = request["text"]?.DeepClone() ?? new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
        ["tool_choice"] = request["tool_choice"]?.DeepClone() ?? "auto",
        ["tools"] = request["tools"]?.DeepClone() ?? new JsonArray(),
        ["top_p"] = request["top_p"]?.DeepClone() ?? 1.0,
        ["truncation"] = "disabled",
        ["metadata"] = request["metadata"]?.DeepClone() ?? new JsonObject(),
    };

    /// <summary>Sets the final status from chat's finish reason (a cut-off answer is "incomplete") and the usage.</summary>
    public static void Finish(JsonObject response, string? finishReason, JsonObject? usage)
    {
        var incomplete = finishReason switch
        {
            "length" => "max_output_tokens",
            "content_filter" => "content_filter",
            _ => null,
        };
        response["status"] = incomplete is null ? "completed" : "incomplete";
        response["incomplete_details"] = incomplete is null ? null : new JsonObject { ["reason"] = incomplete };
        response["usage"] = Usage(usage);
    }

    /// <summary>Chat usage in the Responses API's names.</summary>
    public static JsonObject Usage(JsonObject? usage)
    {
        var input = JsonWire.Int(usage?["prompt_tokens"]) ?? 0;
        var output = JsonWire.Int(usage?["completion_tokens"]) ?? 0;
        return new JsonObject
        {
            ["input_tokens"] = input,
            ["input_tokens_details"] = new JsonObject
            {
                ["cached_tokens"] = JsonWire.Int((usage?["prompt_tokens_details"] as JsonObject)?["cached_tokens"]) ?? 0,
                ["cache_write_tokens"] = JsonWire.Int((usage?["prompt_tokens_details"] as JsonObject)?["cache_write_tokens"]) ?? 0,
            },
            ["output_tokens"] = output,
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = JsonWire.Int((usage?["completion_tokens_details"] as JsonObject)?["reasoning_tokens"]) ?? 0 },
            ["total_tokens"] = JsonWire.Int(usage?["total_tokens"]) ?? input + output,
        };
    }

    public static JsonObject Message(string id, string status, params JsonNode[] content) => new()
    {
        ["id"] = id,
        ["type"] = "message",
        ["status"] = status,
        ["role"] = "assistant",
        ["content"] = new JsonArray(content),
    };

    public static JsonObject OutputText(string text) => new()
    {
        ["type"] = "output_text",
        ["text"] = text,
        ["annotations"] = new JsonArray(),
        ["logprobs"] = new JsonArray(),
    };

    public static JsonObject Reasoning(string id, string summary) => new()
    {
        ["id"] = id,
        ["type"] = "reasoning",
        ["summary"] = new JsonArray(SummaryText(summary)),
    };

    public static JsonObject SummaryText(string text) => new() { ["type"] = "summary_text", ["text"] = text };

    public static JsonObject FunctionCall(string callId, string name, string arguments, string status) => new()
    {
        ["id"] = "fc_" + callId,
        ["type"] = "function_call",
        ["status"] = status,
        ["call_id"] = callId,
        ["name"] = name,
        ["arguments"] = arguments,
    };
}
