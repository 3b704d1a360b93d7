namespace OneApi.Relay.Adaptors.Gemini;

/// <summary>Gemini models by their API names (https://ai.google.dev/gemini-api/docs/models).</summary>
public static class GeminiModels
{
    public static readonly string[] Chat =
    [
        "gemini-1.5-flash", "gemini-1.5-flash-8b", "gemini-1.5-pro",
        "gemini-2.0-flash", "gemini-2.0-flash-001", "gemini-2.0-flash-lite", "gemini-2.0-flash-exp",
        "gemini-2.0-flash-thinking-exp-01-21", "gemini-2.0-pro-exp-02-05",
        "gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite",
    ];

    public static readonly string[] Embedding = ["text-embedding-004", "gemini-embedding-001"];

    public static readonly string[] All = [.. Chat, .. Embedding];

    /// <summary>Models that think and can show their thoughts (https://ai.google.dev/gemini-api/docs/thinking).</summary>
    public static bool CanThink(string model) =>
        model.Contains("thinking", StringComparison.Ordinal) || model.StartsWith("gemini-2.5", StringComparison.Ordinal) ||
        model.StartsWith("gemini-3", StringComparison.Ordinal);
}
