using OneApi.Relay.Adaptors.Anthropic;

namespace OneApi.Relay.Adaptors.VertexAI;

/// <summary>The models Vertex AI serves to one-api's channel type 42: Gemini, Claude (partner models) and Imagen.</summary>
public static class VertexModels
{
    public static readonly string[] Gemini =
    [
        "gemini-1.5-pro-002", "gemini-1.5-flash-002",
        "gemini-2.0-flash", "gemini-2.0-flash-001", "gemini-2.0-flash-lite", "gemini-2.0-flash-lite-001",
        "gemini-2.0-flash-thinking-exp-01-21", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite",
    ];

    public static readonly string[] Imagen = ["imagen-3.0-generate-001", "imagen-3.0-generate-002", "imagen-3.0-fast-generate-001"];

    public static readonly string[] All = [.. Gemini, .. AnthropicModels.All.Where(m => m.StartsWith("claude-3", StringComparison.Ordinal) ||
        AnthropicModels.IsClaude4(m)), .. Imagen];
}
