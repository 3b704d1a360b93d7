using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Adaptors.OpenAI;

internal static class OpenAIUrls
{
    /// <summary>
    /// The channel's base URL (or its type's default) joined with the OpenAI path. A base URL that already carries
    /// a version path (OpenAI-compatible, Gemini's OpenAI endpoint, Novita) gets the path without its <c>/v1</c>.
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
        baseUrl.EndsWith("/v1", StringComparison.Ordinal) || baseUrl.EndsWith("/openai", StringComparison.Ordinal);
}
