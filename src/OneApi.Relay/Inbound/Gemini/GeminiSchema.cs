using System.Text.Json.Nodes;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Gemini;

/// <summary>
/// Gemini's <c>Schema</c> (https://ai.google.dev/api/caching#Schema), an OpenAPI subset with upper-case types
/// (<c>OBJECT</c>, <c>STRING</c>…) and <c>nullable</c>, as the JSON Schema other providers read.
/// </summary>
internal static class GeminiSchema
{
    public static JsonObject ToJsonSchema(JsonObject schema)
    {
        var converted = new JsonObject();
        foreach (var (key, value) in schema)
        {
            if (key == "nullable")
            {
                continue;
            }
            converted[key] = (key, value) switch
            {
                ("type", JsonValue type) when JsonWire.String(type) is { } name => name.ToLowerInvariant(),
                ("properties", JsonObject properties) => new JsonObject(properties.Select(p =>
                    KeyValuePair.Create(p.Key, p.Value is JsonObject property ? (JsonNode?)ToJsonSchema(property) : p.Value?.DeepClone()))),
                ("items", JsonObject items) => ToJsonSchema(items),
                ("anyOf", JsonArray options) => new JsonArray(options.Select(o => o is JsonObject option ? (JsonNode?)ToJsonSchema(option) : o?.DeepClone()).ToArray()),
                _ => value?.DeepClone(),
            };
        }
        if (JsonWire.Bool(schema["nullable"]) == true && JsonWire.String(converted["type"]) is { } single)
        {
            converted["type"] = new JsonArray(single, "null");
        }
        return converted;
    }
}
