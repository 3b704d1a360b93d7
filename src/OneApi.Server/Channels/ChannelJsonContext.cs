using System.Text.Json;
using System.Text.Json.Serialization;
using OneApi.Relay.Abstractions;

namespace OneApi.Server.Channels;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ChannelConfig))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ChannelJsonContext : JsonSerializerContext;
