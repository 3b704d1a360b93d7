using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound;

/// <summary>A channel's system prompt, for client APIs whose native bodies pass through with their own system field.</summary>
public static class ChannelSystemPrompt
{
    /// <summary>
    /// The channel's system prompt when it replaced the client's (<paramref name="clientSystem"/>) in the OpenAI form
    /// of the request, else null: it then replaces the native body's system field too.
    /// </summary>
    public static string? Replacing(RelayRequest request, string? clientSystem) =>
        (request.Body["messages"] as JsonArray)?.FirstOrDefault() is JsonObject first && JsonWire.String(first["role"]) == "system" &&
        JsonWire.String(first["content"]) is { } system && system != clientSystem
            ? system
            : null;
}
