namespace OneApi.Relay.Adaptors.Gemini;

/// <summary>Settings of requests to Gemini.</summary>
public sealed record GeminiOptions
{
    /// <summary><c>GEMINI_SAFETY_SETTING</c>: the threshold sent for every harm category (one-api's default: block none).</summary>
    public string SafetySetting { get; init; } = "BLOCK_NONE";

    /// <summary>
    /// <c>GEMINI_VERSION</c>: the API version of Google AI Studio's URLs when the channel's config names none.
    /// v1beta by default: system instructions, tools and thoughts are documented there.
    /// </summary>
    public string Version { get; init; } = "v1beta";

    public static readonly GeminiOptions Default = new();
}
