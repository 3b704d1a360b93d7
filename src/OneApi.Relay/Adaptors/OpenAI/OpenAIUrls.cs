using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Adaptors.OpenAI;

internal static class OpenAIUrls
{
    /// <summary>
    /// The channel's base URL (or its type's default) joined with the OpenAI path. A base URL that already carries
    /// a version path (OpenAI-compatible, Gemini's OpenAI endpoint, Novita, a base ending in <c>/v1</c>, a Cloudflare
    /// AI Gateway URL as in one-api's <c>GetFullRequestURL</c>) gets the path without its <c>/v1</c>. Groq's default
    /// base <c>https://api.groq.com/openai</c> is not one of them: its endpoint is <c>/openai/v1/chat/completions</c>.
    /// </summary>
    public static string For(UpstreamChannel channel, string path)
    {
        var baseUrl = string.IsNullOrEmpty(channel.BaseUrl) ? ChannelTypes.DefaultBaseUrl(channel.Type) : channel.BaseUrl;
        baseUrl = baseUrl.TrimEnd('/');
        if (HasVersionPath(channel.Type, baseUrl) && path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            path = path[3..];
        }
        return baseUrl + path;
    }

    private static bool HasVersionPath(int type, string baseUrl) =>
        type is ChannelTypes.OpenAICompatible or 51 or 41 ||
        baseUrl.EndsWith("/v1", StringComparison.Ordinal) ||
        baseUrl.StartsWith("https://gateway.ai.cloudflare.com", StringComparison.OrdinalIgnoreCase);
}
