using System.Text.Json.Nodes;
using OneApi.Relay.Inbound.Anthropic;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Gemini;

/// <summary>
/// An OpenAI <c>chat.completion</c> → Gemini's <c>GenerateContentResponse</c>
/// (https://ai.google.dev/api/generate-content#generatecontentresponse), and OpenAI's embedding list → Gemini's
/// embeddings, for Gemini clients of converted channels.
/// </summary>
public static class ToGeminiAnswer
{
    public static byte[] Convert(ReadOnlySpan<byte> chatAnswer, string model)
    {
        var answer = JsonWire.Parse(chatAnswer) ?? [];
        var candidates = new JsonArray();
        foreach (var (choice, i) in ((answer["choices"] as JsonArray)?.OfType<JsonObject>() ?? []).Select((c, i) => (c, i)))
        {
            var message = choice["message"] as JsonObject ?? [];
            var parts = new JsonArray();
            if (ToAnthropicAnswer.ReasoningText(message) is { Length: > 0 } reasoning)
            {
                parts.Add(Thought(reasoning));
            }
            if (JsonWire.String(message["content"]) is { Length: > 0 } text)
            {
                parts.Add(new JsonObject { ["text"] = text });
            }
            foreach (var call in (message["tool_calls"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                var function = call["function"] as JsonObject;
                parts.Add(FunctionCall(JsonWire.String(call["id"]), JsonWire.String(function?["name"]), JsonWire.String(function?["arguments"])));
            }
            candidates.Add(Candidate(parts, JsonWire.String(choice["finish_reason"]), JsonWire.Int(choice["index"]) ?? i));
        }
        return JsonWire.Serialize(Response(candidates, answer["usage"] as JsonObject, JsonWire.String(answer["model"]) ?? model, JsonWire.String(answer["id"])));
    }

    /// <summary>A <c>GenerateContentResponse</c>; usage and id are left out when unknown, as the schema allows.</summary>
    public static JsonObject Response(JsonArray candidates, JsonObject? usage, string model, string? id)
    {
        var response = new JsonObject { ["candidates"] = candidates };
        if (usage is not null)
        {
            response["usageMetadata"] = UsageMetadata(usage);
        }
        response["modelVersion"] = model;
        if (id is not null)
        {
            response["responseId"] = id;
        }
        return response;
    }

    public static JsonObject Candidate(JsonArray parts, string? finishReason, int index)
    {
        var candidate = new JsonObject { ["content"] = new JsonObject { ["parts"] = parts, ["role"] = "model" } };
        if (finishReason is not null)
        {
            candidate["finishReason"] = FinishReason(finishReason);
        }
        candidate["index"] = index;
        return candidate;
    }

    public static JsonObject Thought(string text) => new() { ["text"] = text, ["thought"] = true };

    /// <summary>A function call with its arguments as an object, and the call's id so the client can answer it by id.</summary>
    public static JsonObject FunctionCall(string? id, string? name, string? arguments)
    {
        var call = new JsonObject();
        if (id is not null)
        {
            call["id"] = id;
        }
        call["name"] = name ?? "";
        call["args"] = ToAnthropicAnswer.ParseObject(arguments);
        return new JsonObject { ["functionCall"] = call };
    }

    /// <summary>OpenAI finish reasons as Gemini's (https://ai.google.dev/api/generate-content#FinishReason); Gemini says STOP after calls.</summary>
    public static string FinishReason(string? finishReason) => finishReason switch
    {
        "length" => "MAX_TOKENS",
        "content_filter" => "SAFETY",
        _ => "STOP",
    };

    /// <summary>Chat usage as <c>usageMetadata</c>: reasoning tokens are Gemini's thoughts, counted apart from the candidates.</summary>
    public static JsonObject UsageMetadata(JsonObject usage)
    {
        var prompt = JsonWire.Int(usage["prompt_tokens"]) ?? 0;
        var completion = JsonWire.Int(usage["completion_tokens"]) ?? 0;
        var thoughts = JsonWire.Int((usage["completion_tokens_details"] as JsonObject)?["reasoning_tokens"]) ?? 0;
        var cached = JsonWire.Int((usage["prompt_tokens_details"] as JsonObject)?["cached_tokens"]) ?? 0;
        var metadata = new JsonObject
        {
            ["promptTokenCount"] = prompt,
            ["candidatesTokenCount"] = Math.Max(0, completion - thoughts),
            ["totalTokenCount"] = JsonWire.Int(usage["total_tokens"]) ?? prompt + completion,
        };
        if (thoughts > 0)
        {
            metadata["thoughtsTokenCount"] = thoughts;
        }
        if (cached > 0)
        {
            metadata["cachedContentTokenCount"] = cached;
        }
        return metadata;
    }

    /// <summary>
    /// OpenAI's embedding list → <c>{"embedding":{"values"}}</c> for <c>embedContent</c>, or
    /// <c>{"embeddings":[…]}</c> for <c>batchEmbedContents</c> (https://ai.google.dev/api/embeddings).
    /// </summary>
    public static byte[] Embeddings(ReadOnlySpan<byte> openAIAnswer, bool batch)
    {
        var vectors = ((JsonWire.Parse(openAIAnswer)?["data"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .OrderBy(d => JsonWire.Int(d["index"]) ?? 0)
            .Select(d => new JsonObject { ["values"] = d["embedding"]?.DeepClone() ?? new JsonArray() })
            .ToList();
        return JsonWire.Serialize(batch
            ? new JsonObject { ["embeddings"] = new JsonArray(vectors.Select(v => (JsonNode?)v).ToArray()) }
            : new JsonObject { ["embedding"] = vectors.FirstOrDefault() ?? new JsonObject { ["values"] = new JsonArray() } });
    }
}
