using System.Net.Http.Headers;

namespace OneApi.Relay.Images;

/// <summary>An image ready to inline: its media type and base64 bytes.</summary>
public sealed record InlineImage(string MediaType, string Base64Data);

/// <summary>
/// Fetches images that clients name by URL, for providers that only take inline bytes (one-api's
/// <c>GetImageFromUrl</c>, bounded by <c>USER_CONTENT_REQUEST_TIMEOUT</c>). <c>data:</c> URLs are decoded without I/O.
/// </summary>
public sealed class UserImageFetcher(HttpClient http, TimeSpan timeout, long maxBytes = 20 * 1024 * 1024)
{
    /// <summary>The image, or null when it could not be had in time, was too large or was not an image.</summary>
    public async Task<InlineImage?> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (TryParseDataUrl(url, out var inline))
        {
            return inline;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return null;
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > maxBytes)
            {
                return null;
            }
            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, deadline.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
            var bytes = buffer.ToArray();
            var mediaType = SniffMediaType(bytes) ?? MediaTypeOf(response.Content.Headers.ContentType);
            return mediaType is null ? null : new InlineImage(mediaType, Convert.ToBase64String(bytes));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
    }

    /// <summary>Reads <c>data:image/png;base64,…</c>.</summary>
    public static bool TryParseDataUrl(string url, out InlineImage image)
    {
        image = null!;
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        var marker = url.IndexOf(";base64", StringComparison.OrdinalIgnoreCase);
        if (comma < 0 || marker < 0 || marker > comma)
        {
            return false;
        }
        image = new InlineImage(url[5..marker], url[(comma + 1)..]);
        return true;
    }

    private static string? MediaTypeOf(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType is { } type && type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? type.ToLowerInvariant() : null;

    private static string? SniffMediaType(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "image/gif",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => null,
    };
}
