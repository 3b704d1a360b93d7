using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Baidu;

/// <summary>
/// OpenAI requests → ERNIE's bodies (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/jlil56u11): system messages go to
/// the <c>system</c> field, the turns to <c>messages</c> as text; embeddings take <c>input</c> as a list of strings.
/// </summary>
public static class ToErnieRequest
{
    private static readonly (string OpenAI, string Ernie)[] Settings =
    [
        ("temperature", "temperature"), ("top_p", "top_p"), ("user", "user_id"),
    ];

    public static JsonObject Chat(RelayRequest request)
    {
        var source = request.Body;
        var system = new List<string>();
        var messages = new JsonArray();
        foreach (var message in (source["messages"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var role = JsonWire.String(message["role"]) ?? "user";
            var text = OpenAIMessages.TextOf(message["content"]);
            if (role is "system" or "developer")
            {
                system.Add(text);
            }
            else
            {
                messages.Add(new JsonObject { ["role"] = role, ["content"] = text });
            }
        }
        var body = new JsonObject { ["messages"] = messages };
        if (system.Count > 0)
        {
            body["system"] = string.Join("\n", system);
        }
        OpenAIMessages.CopySettings(source, body, Settings);
        // one-api sends frequency_penalty as penalty_score, which Baidu takes only within [1.0, 2.0].
        if (source["frequency_penalty"] is JsonValue penalty && penalty.TryGetValue(out double score))
        {
            body["penalty_score"] = Math.Clamp(score, 1.0, 2.0);
        }
        if (request.MaxTokens is { } limit)
        {
            body["max_output_tokens"] = limit;
        }
        if (OpenAIMessages.StopList(source["stop"]) is { } stop)
        {
            body["stop"] = stop;
        }
        body["stream"] = request.IsStream;
        return body;
    }

    public static JsonObject Embeddings(RelayRequest request) => new() { ["input"] = OpenAIMessages.InputTexts(request.Body["input"]) };
}
