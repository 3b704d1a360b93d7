using System.Text.Json.Nodes;

namespace OneApi.Relay.OpenAI;

/// <summary>The text of an OpenAI message's content, for upstreams that take text only: a string, or its text parts joined.</summary>
public static class MessageText
{
    public static string Of(JsonNode? content) => content switch
    {
        JsonArray parts => string.Concat(parts.OfType<JsonObject>().Where(p => JsonWire.String(p["type"]) == "text").Select(p => JsonWire.String(p["text"]))),
        _ => JsonWire.String(content) ?? "",
    };
}
