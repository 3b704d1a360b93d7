using System.Text.Json.Nodes;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Anthropic;

public static class AnthropicToolUse
{
    /// <summary>A Claude <c>tool_use</c> block as an OpenAI <c>tool_calls</c> entry (arguments as a JSON string).</summary>
    public static JsonObject ToOpenAIToolCall(JsonObject block) => new()
    {
        ["id"] = JsonWire.String(block["id"]),
        ["type"] = "function",
        ["function"] = new JsonObject
        {
            ["name"] = JsonWire.String(block["name"]),
            ["arguments"] = block["input"] is { } input ? JsonWire.Text(input) : "{}",
        },
    };
}
