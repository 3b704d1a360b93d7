using System.Text.Json.Nodes;

namespace OneApi.Relay.OpenAI;

/// <summary>Reads the parts of an OpenAI request that other providers take in shapes of their own.</summary>
public static class OpenAIMessages
{
    /// <summary>Each message's role and text, in order, for providers whose messages carry text only.</summary>
    public static IEnumerable<(string Role, string Text)> Turns(JsonObject body) =>
        (body["messages"] as JsonArray ?? []).OfType<JsonObject>().Select(m => (JsonWire.String(m["role"]) ?? "user", TextOf(m["content"])));

    /// <summary>A message's content as text: the string, or its text parts joined (one-api's <c>StringContent</c>).</summary>
    public static string TextOf(JsonNode? content) => content switch
    {
        JsonArray parts => string.Concat(parts.OfType<JsonObject>().Where(p => JsonWire.String(p["type"]) == "text").Select(p => JsonWire.String(p["text"]))),
        _ => JsonWire.String(content) ?? "",
    };

    /// <summary>An embeddings <c>input</c> as a list of strings, a single string being a list of one (one-api's <c>ParseInput</c>).</summary>
    public static JsonArray InputTexts(JsonNode? input) => input switch
    {
        JsonArray items => new JsonArray(items.Select(i => (JsonNode?)(JsonWire.String(i) ?? "")).ToArray()),
        _ when JsonWire.String(input) is { } text => new JsonArray(text),
        _ => [],
    };

    /// <summary><c>stop</c> as a list, a single string being a list of one; null when the request has none.</summary>
    public static JsonArray? StopList(JsonNode? stop) => stop switch
    {
        null => null,
        JsonArray list => (JsonArray)list.DeepClone(),
        _ => new JsonArray(stop.DeepClone()),
    };

    /// <summary>Copies the settings the request has into <paramref name="target"/> under the provider's names.</summary>
    public static void CopySettings(JsonObject source, JsonObject target, IEnumerable<(string OpenAI, string Provider)> names)
    {
        foreach (var (openAI, provider) in names)
        {
            if (source[openAI] is { } value)
            {
                target[provider] = value.DeepClone();
            }
        }
    }
}
