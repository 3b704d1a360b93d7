using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.OpenAI;

/// <summary>
/// OpenAI's answer shapes for wire formats that convert: <c>chat.completion</c>, <c>chat.completion.chunk</c> and the
/// embeddings list, so each provider states only what it read.
/// </summary>
public static class OpenAIShapes
{
    public static JsonObject Completion(string id, long created, string model, JsonObject message, string? finishReason, Usage? usage)
    {
        var answer = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finishReason }),
        };
        if (usage is not null)
        {
            answer["usage"] = UsageOf(usage);
        }
        return answer;
    }

    public static JsonObject Embeddings(string model, IEnumerable<JsonNode?> vectors, Usage? usage) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(vectors.Select((v, i) => (JsonNode?)new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = v?.DeepClone() }).ToArray()),
        ["model"] = model,
        ["usage"] = UsageOf(usage ?? new Usage()),
    };

    public static JsonObject UsageOf(Usage usage) => new()
    {
        ["prompt_tokens"] = usage.PromptTokens,
        ["completion_tokens"] = usage.CompletionTokens,
        ["total_tokens"] = usage.TotalTokens,
    };

    /// <summary>An assistant tool call in OpenAI's form; the arguments as the JSON text OpenAI sends.</summary>
    public static JsonObject ToolCall(string id, string name, string arguments) => new()
    {
        ["id"] = id,
        ["type"] = "function",
        ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments },
    };
}

/// <summary>
/// Builds the OpenAI chunks of one converted stream: the role on the first delta, and the usage chunk after the last
/// one when the client (or the gateway for it) asked for usage. Usage rides on both frames, as the pipeline bills
/// from either and drops the usage chunk the client did not ask for.
/// </summary>
public sealed class OpenAIStreamChunks(RelayRequest request, long created, string? id = null)
{
    private readonly bool _includeUsage = request.AsksForStreamUsage;
    private bool _started;

    public string Id { get; set; } = id ?? "chatcmpl-" + Guid.NewGuid().ToString("N");

    /// <summary>The frames for one upstream event: its delta (if it has anything), then a usage chunk when it ends the stream.</summary>
    public IEnumerable<StreamFrame> Delta(JsonObject delta, string text, string? finishReason = null, Usage? usage = null)
    {
        if (!_started)
        {
            delta.Insert(0, "role", "assistant");
            _started = true;
        }
        var choice = new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason };
        yield return new StreamFrame(JsonWire.Serialize(Chunk(new JsonArray(choice))), usage, text);
        if (usage is not null && _includeUsage)
        {
            var usageChunk = Chunk([]);
            usageChunk["usage"] = OpenAIShapes.UsageOf(usage);
            yield return new StreamFrame(JsonWire.Serialize(usageChunk), usage);
        }
    }

    private JsonObject Chunk(JsonArray choices) => new()
    {
        ["id"] = Id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = request.Model,
        ["choices"] = choices,
    };
}
