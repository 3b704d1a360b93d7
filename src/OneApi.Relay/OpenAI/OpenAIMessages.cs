using System.Text.Json.Nodes;

namespace OneApi.Relay.OpenAI;

/// <summary>A chat request's messages as plain text, for providers whose messages carry text only.</summary>
public static class OpenAIMessages
{
    /// <summary>Each message's role and text, in order.</summary>
    public static IEnumerable<(string Role, string Text)> Turns(JsonObject body) =>
        (body["messages"] as JsonArray ?? []).OfType<JsonObject>().Select(m => (JsonWire.String(m["role"]) ?? "user", TextOf(m["content"])));

    /// <summary>The content's text: the string itself, or its text parts joined (one-api's <c>StringContent</c>).</summary>
    public static string TextOf(JsonNode? content) => content switch
    {
        JsonArray parts => string.Concat(parts.OfType<JsonObject>().Where(p => JsonWire.String(p["type"]) == "text").Select(p => JsonWire.String(p["text"]))),
        _ => JsonWire.String(content) ?? "",
    };
}
