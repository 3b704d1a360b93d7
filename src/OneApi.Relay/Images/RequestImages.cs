using System.Text.Json.Nodes;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Images;

/// <summary>The image URLs of an OpenAI chat request, for formats that must send images inline (Gemini, Ollama).</summary>
public static class RequestImages
{
    /// <summary>
    /// Every image URL of the request, fetched in one go so that the fetcher's per-request limits (count, bytes,
    /// concurrency) see all of them, inline ones included. A URL missing from the answer could not be had.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, InlineImage>> FetchAsync(JsonArray messages, UserImageFetcher? images,
        CancellationToken cancellationToken)
    {
        var urls = messages.OfType<JsonObject>()
            .SelectMany(m => m["content"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(part => JsonWire.String(part["type"]) == "image_url")
            .Select(UrlOf)
            .ToList();
        if (images is null || urls.Count == 0)
        {
            return new Dictionary<string, InlineImage>();
        }
        var inline = new List<string>();
        var remote = new List<string>();
        foreach (var url in urls)
        {
            if (UserImageFetcher.TryParseDataUrl(url, out var data))
            {
                inline.Add(data.Base64Data);
            }
            else
            {
                remote.Add(url);
            }
        }
        var fetched = await images.FetchAllAsync(remote, inline, cancellationToken).ConfigureAwait(false);
        var byUrl = new Dictionary<string, InlineImage>(StringComparer.Ordinal);
        for (var i = 0; i < remote.Count; i++)
        {
            if (fetched[i] is { } image)
            {
                byUrl[remote[i]] = image;
            }
        }
        return byUrl;
    }

    /// <summary>The URL of an OpenAI <c>image_url</c> part (an object with <c>url</c>, or the bare string some clients send).</summary>
    public static string UrlOf(JsonObject part) =>
        JsonWire.String((part["image_url"] as JsonObject)?["url"]) ?? JsonWire.String(part["image_url"]) ?? "";

    /// <summary>The image behind a URL: decoded from a <c>data:</c> URL, else as fetched (null when it could not be).</summary>
    public static InlineImage? Find(string url, IReadOnlyDictionary<string, InlineImage> fetched) =>
        UserImageFetcher.TryParseDataUrl(url, out var inline) ? inline : fetched.GetValueOrDefault(url);
}
