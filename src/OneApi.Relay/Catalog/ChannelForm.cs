using System.Collections.Frozen;
using System.Text.Json.Serialization;

namespace OneApi.Relay.Catalog;

/// <summary>Where a channel field is kept: a key of the channel's JSON <c>config</c>, or the legacy <c>other</c> column.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChannelFieldStore>))]
public enum ChannelFieldStore
{
    [JsonStringEnumMemberName("config")] Config,
    [JsonStringEnumMemberName("other")] Other,
}

/// <summary>
/// One input a channel type needs beside the key and base URL (one-api's per-type inputs of its channel form).
/// </summary>
/// <param name="Name">The <c>config</c> key; ignored when stored in <c>other</c>, which holds one value.</param>
/// <param name="Label">The console's text key (its English text).</param>
/// <param name="Secret">A credential: the API never sends it back, and the console masks it.</param>
public sealed record ChannelField(
    string Name,
    string Label,
    ChannelFieldStore Store = ChannelFieldStore.Config,
    bool Required = false,
    string Placeholder = "",
    bool Secret = false,
    bool Multiline = false);

/// <summary>
/// What a type's channel form asks beyond the common fields, so the console keeps no per-type knowledge.
/// </summary>
/// <param name="KeyFormat">What the key box takes for a type not relayed yet, whose catalogue row only says "API key"
/// though one-api takes a composite key; a relayed type's row says it.</param>
/// <param name="KeyOptional">The credentials can live in the fields instead, so the key may stay empty.</param>
/// <param name="RegionalUrl">The upstream URL follows from the region, so an empty base URL is fine though the type
/// has no default one.</param>
public sealed record ChannelForm(IReadOnlyList<ChannelField> Fields, string? KeyFormat = null, bool KeyOptional = false, bool RegionalUrl = false)
{
    public static readonly ChannelForm Plain = new([]);

    // Keyed by one-api type id, as its channel form is; the fields are those of one-api's EditChannel page and those this
    // gateway's adaptors read from the config.
    private static readonly FrozenDictionary<int, ChannelForm> ByType = new Dictionary<int, ChannelForm>
    {
        [ChannelTypes.Azure] = new([new("api_version", "API version", Placeholder: "2024-03-01-preview")]),
        [15] = new([], KeyFormat: "API key|Secret key"),
        [17] = new([new("plugin", "Plugin", ChannelFieldStore.Other)]),
        [18] = new([new("api_version", "API version", ChannelFieldStore.Other, Placeholder: "v3.5")], KeyFormat: "APPID|APISecret|APIKey"),
        [21] = new([new("library_id", "Knowledge library ID", ChannelFieldStore.Other, Required: true)]),
        [23] = new([], KeyFormat: "AppId|SecretId|SecretKey"),
        [ChannelTypes.Gemini] = new([new("api_version", "API version", Placeholder: "v1beta")]),
        [ChannelTypes.AwsClaude] = new(
        [
            new("region", "Region", Placeholder: "us-east-1"),
            new("ak", "Access key (AK)", Secret: true),
            new("sk", "Secret key (SK)", Secret: true),
        ], KeyOptional: true, RegionalUrl: true),
        [34] = new(
        [
            new("auth_type", "Auth type", Placeholder: "personal_access_token"),
            new("user_id", "User ID"),
        ], KeyFormat: "Personal access token, or an OAuth JWT when the auth type is oauth"),
        [37] = new([new("user_id", "Account ID", Required: true)]),
        [ChannelTypes.VertexAI] = new(
        [
            new("region", "Region", Placeholder: "us-central1"),
            new("vertex_ai_project_id", "Project ID"),
            new("vertex_ai_adc", "Service account JSON (ADC)", Secret: true, Multiline: true),
        ], KeyOptional: true, RegionalUrl: true),
    }.ToFrozenDictionary();

    /// <summary>The <c>config</c> keys that hold credentials, for any type.</summary>
    public static readonly IReadOnlyList<string> SecretConfigKeys = ByType.Values.SelectMany(form => form.Fields)
        .Where(field => field.Secret && field.Store == ChannelFieldStore.Config).Select(field => field.Name).Distinct().ToArray();

    public static ChannelForm Of(int type) => ByType.GetValueOrDefault(type, Plain);
}
