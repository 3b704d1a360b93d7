using System.Text.Json.Nodes;
using OneApi.Relay.Catalog;

namespace OneApi.Server.Admin;

/// <summary>
/// The credentials a channel's <c>config</c> may hold (the catalogue's secret fields: AWS <c>ak</c>/<c>sk</c>, a Vertex
/// service account): like the key, never sent back. The API shows them as <see cref="Hidden"/>, and a config sent back
/// with that placeholder keeps the stored value, so editing another field does not wipe them.
/// </summary>
public static class ChannelConfigSecrets
{
    public const string Hidden = "[hidden]";

    private static readonly IReadOnlyList<string> Fields = ChannelForm.SecretConfigKeys;

    /// <summary>The config with each non-empty credential replaced by <see cref="Hidden"/>.</summary>
    public static string Redact(string config) => Rewrite(config, (_, value) => value.Length > 0 ? Hidden : value);

    /// <summary>The config sent, with each <see cref="Hidden"/> credential taken back from the stored config.</summary>
    public static string Restore(string sent, string stored)
    {
        var storedObject = Parse(stored);
        return Rewrite(sent, (field, value) => value == Hidden ? storedObject?[field]?.GetValue<string>() ?? "" : value);
    }

    /// <summary>Whether two configs say the same, whatever their spacing or field order.</summary>
    public static bool SameAs(string config, string other) =>
        config == other || (Parse(config) is { } json && Parse(other) is { } otherJson && JsonNode.DeepEquals(json, otherJson));

    private static string Rewrite(string config, Func<string, string, string> rewrite)
    {
        if (Parse(config) is not { } json)
        {
            return config;
        }
        var changed = false;
        foreach (var field in Fields)
        {
            if (json[field] is JsonValue value && value.TryGetValue<string>(out var text) && rewrite(field, text) is var rewritten && rewritten != text)
            {
                json[field] = rewritten;
                changed = true;
            }
        }
        return changed ? json.ToJsonString() : config;
    }

    private static JsonObject? Parse(string config)
    {
        try
        {
            return string.IsNullOrWhiteSpace(config) ? null : JsonNode.Parse(config) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
