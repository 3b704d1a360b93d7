using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.OpenAI;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(Usage))]
public sealed partial class RelayJsonContext : JsonSerializerContext;
