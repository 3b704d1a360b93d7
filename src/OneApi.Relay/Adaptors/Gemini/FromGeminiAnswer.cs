using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Gemini;

/// <summary>Gemini's <c>GenerateContentResponse</c> → OpenAI's <c>chat.completion</c>; embeddings → OpenAI's list.</summary>
public static class FromGeminiAnswer
{
    public static UpstreamAnswer Convert(ReadOnlySpan<byte> body, RelayRequest request, long created)
    {
        if (JsonWire.Parse(body) is not { } answer)
        {
            return new UpstreamAnswer(body.ToArray(), null, "", RelayError.UpstreamMalformed("the answer is not a JSON object"));
        }
        if (answer["error"] is JsonObject error)
        {
            return new UpstreamAnswer(body.ToArray(), null, "", GoogleErrors.FromError(500, error));
        }
        if (answer["candidates"] is not JsonArray { Count: > 0 } candidates)
        {
            return new UpstreamAnswer(body.ToArray(), null, "", Blocked(answer));
        }
        var format = ReasoningFormat.For(request);
        var text = new StringBuilder();
        var choices = new JsonArray();
        foreach (var (candidate, i) in candidates.OfType<JsonObject>().Select((c, i) => (c, i)))
        {
            var parts = GeminiParts.Read(candidate);
            text.Append(parts.Generated);
            var message = new JsonObject { ["role"] = "assistant", ["content"] = parts.Text, ["refusal"] = null };
            if (parts.Reasoning.Length > 0)
            {
                message[format.Field] = parts.Reasoning;
            }
            if (parts.ToolCalls.Count > 0)
            {
                message["tool_calls"] = parts.ToolCalls;
            }
            choices.Add(new JsonObject
            {
                ["index"] = JsonWire.Int(candidate["index"]) ?? i,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = GeminiParts.FinishReason(JsonWire.String(candidate["finishReason"]), parts.ToolCalls.Count > 0),
            });
        }
        var usage = GeminiUsage.Read(answer["usageMetadata"]);
        var openAI = new JsonObject
        {
            ["id"] = "chatcmpl-" + (JsonWire.String(answer["responseId"]) ?? Guid.NewGuid().ToString("N")),
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = request.Model,
            ["choices"] = choices,
        };
        if (usage is { } reported)
        {
            openAI["usage"] = reported.ToOpenAI();
        }
        return new UpstreamAnswer(JsonWire.Serialize(openAI), usage?.ToUsage(), text.ToString());
    }

    /// <summary>No candidates: Gemini refused the prompt itself (<c>promptFeedback.blockReason</c>).</summary>
    internal static RelayError Blocked(JsonObject answer)
    {
        var reason = JsonWire.String((answer["promptFeedback"] as JsonObject)?["blockReason"]);
        return reason is null
            ? RelayError.UpstreamMalformed("the answer has no candidates")
            : new RelayError(RelayErrorKind.UpstreamStatus, 400, $"the prompt was blocked by Gemini: {reason}", "invalid_request_error", "content_filter");
    }

    /// <summary>
    /// <c>{"embeddings":[{"values":[…]}]}</c> → OpenAI's list. Gemini reports no token count, so usage is left to the
    /// gateway's own count of the input.
    /// </summary>
    public static UpstreamAnswer Embeddings(ReadOnlySpan<byte> body, RelayRequest request)
    {
        if (JsonWire.Parse(body) is not { } answer || answer["embeddings"] is not JsonArray embeddings)
        {
            return new UpstreamAnswer(body.ToArray(), null, "", RelayError.UpstreamMalformed("the answer has no embeddings"));
        }
        var data = embeddings.OfType<JsonObject>().Select((e, i) => (JsonNode?)new JsonObject
        {
            ["object"] = "embedding",
            ["index"] = i,
            ["embedding"] = e["values"]?.DeepClone() ?? new JsonArray(),
        });
        var openAI = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(data.ToArray()),
            ["model"] = request.Model,
            ["usage"] = new JsonObject { ["prompt_tokens"] = 0, ["total_tokens"] = 0 },
        };
        return new UpstreamAnswer(JsonWire.Serialize(openAI), null, "");
    }
}
