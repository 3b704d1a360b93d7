namespace OneApi.Relay.Adaptors.Anthropic;

/// <summary>Claude models by their Anthropic API names (https://docs.anthropic.com/en/docs/about-claude/models).</summary>
public static class AnthropicModels
{
    public static readonly string[] All =
    [
        "claude-instant-1.2", "claude-2.0", "claude-2.1",
        "claude-3-haiku-20240307", "claude-3-sonnet-20240229", "claude-3-opus-20240229",
        "claude-3-5-haiku-20241022", "claude-3-5-haiku-latest",
        "claude-3-5-sonnet-20240620", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-latest",
        "claude-3-7-sonnet-20250219", "claude-3-7-sonnet-latest",
        "claude-sonnet-4-20250514", "claude-opus-4-20250514", "claude-opus-4-1-20250805",
    ];

    /// <summary>
    /// Models with extended thinking, which <c>?thinking</c> turns on. one-api knew only Claude 3.7 Sonnet; the
    /// Claude 4 family thinks the same way.
    /// </summary>
    public static bool CanThink(string model) => model.Contains("claude-3-7-sonnet", StringComparison.Ordinal) || IsClaude4(model);

    public static bool IsClaude4(string model) =>
        model.Contains("claude-sonnet-4", StringComparison.Ordinal) || model.Contains("claude-opus-4", StringComparison.Ordinal);
}
