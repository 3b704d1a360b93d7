using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Images;

/// <summary>An image ready to inline: its media type and base64 bytes.</summary>
public sealed record InlineImage(string MediaType, string Base64Data);

/// <summary>
/// Fetches images that clients name by URL, for providers that only take inline bytes (one-api's
/// <c>GetImageFromUrl</c>). Only public addresses are reached (<see cref="OutboundAddressPolicy"/>), redirects are
/// followed by hand and each hop is checked again, and <see cref="UserContentLimits"/> bounds count, bytes and
/// concurrency. A refused address or a passed limit fails the client's request with a 400 before anything is sent
/// upstream; an image that merely cannot be had (timeout, 404, not an image) is left as a URL.
/// </summary>
public sealed class UserImageFetcher : IDisposable
{
    private const int ChunkSize = 64 * 1024;

    private readonly HttpClient _http;
    private readonly OutboundAddressPolicy _policy;
    private readonly UserContentLimits _limits;
    private readonly bool _proxied;
    private readonly SemaphoreSlim _processSlots;

    /// <param name="proxied">Requests go through a proxy, which resolves names itself: they are checked before sending.</param>
    public UserImageFetcher(HttpClient http, OutboundAddressPolicy policy, UserContentLimits limits, bool proxied = false)
    {
        _http = http;
        _policy = policy;
        _limits = limits;
        _proxied = proxied;
        _processSlots = new SemaphoreSlim(limits.FetchesAtOnce);
    }

    /// <summary>A fetcher with its own connections, checked at connect time, through <paramref name="proxy"/> when given.</summary>
    public static UserImageFetcher Create(OutboundAddressPolicy policy, UserContentLimits limits, Uri? proxy) =>
        new(new HttpClient(CreateHandler(policy, proxy)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan }, policy, limits, proxy is not null);

    private static SocketsHttpHandler CreateHandler(OutboundAddressPolicy policy, Uri? proxy) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = proxy is not null,
        Proxy = proxy is null ? null : new WebProxy(proxy),
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        // Every connection, first hop, redirect or reused name, opens here: the address used is the address checked.
        // The operator's proxy is trusted; the targets behind it are checked before sending (FetchOneAsync).
        ConnectCallback = async (context, cancellationToken) =>
        {
            var endpoint = context.DnsEndPoint;
            var toProxy = proxy is not null && string.Equals(endpoint.Host, proxy.IdnHost, StringComparison.OrdinalIgnoreCase) && endpoint.Port == proxy.Port;
            var addresses = toProxy
                ? await policy.ResolveAsync(endpoint.Host, cancellationToken).ConfigureAwait(false)
                : await policy.ResolvePermittedAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, endpoint.Port, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>
    /// Fetches <paramref name="urls"/> (at most <see cref="UserContentLimits.FetchesPerRequest"/> at once) for a request
    /// that also carries <paramref name="inlineImages"/> (base64), all of them counting against the request's limits.
    /// An element is null where the image could not be had. Throws <see cref="RelayErrorException"/> on a refused
    /// address or a passed limit, before any byte is fetched when the count or the inline images already pass it.
    /// </summary>
    public async Task<InlineImage?[]> FetchAllAsync(IReadOnlyList<string> urls, IReadOnlyList<string> inlineImages, CancellationToken cancellationToken)
    {
        if (urls.Count + inlineImages.Count > _limits.MaxImages)
        {
            throw new RelayErrorException(RelayError.InvalidRequest(
                $"a request may carry at most {_limits.MaxImages} images, this one has {urls.Count + inlineImages.Count}", "too_many_images"));
        }
        var budget = new Budget(_limits.MaxRequestBytes);
        foreach (var base64 in inlineImages)
        {
            budget.Spend(ImageLimit(DecodedLength(base64)));
        }
        using var requestSlots = new SemaphoreSlim(_limits.FetchesPerRequest);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return await Task.WhenAll(urls.Select(async url =>
        {
            try
            {
                return await FetchOneAsync(url, budget, requestSlots, failed.Token).ConfigureAwait(false);
            }
            catch (RelayErrorException)
            {
                await failed.CancelAsync().ConfigureAwait(false); // the request fails: stop fetching its other images
                throw;
            }
        })).ConfigureAwait(false);
    }

    private async Task<InlineImage?> FetchOneAsync(string url, Budget budget, SemaphoreSlim requestSlots, CancellationToken cancellationToken)
    {
        if (TryParseDataUrl(url, out var inline))
        {
            budget.Spend(ImageLimit(DecodedLength(inline.Base64Data)));
            return inline;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return null;
        }
        await requestSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _processSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await FetchAsync(uri, budget, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _processSlots.Release();
            }
        }
        finally
        {
            requestSlots.Release();
        }
    }

    private async Task<InlineImage?> FetchAsync(Uri uri, Budget budget, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_limits.Timeout);
        try
        {
            for (var hop = 0; ; hop++)
            {
                if (_proxied || uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
                {
                    await _policy.ResolvePermittedAsync(uri.IdnHost, uri.Port, deadline.Token).ConfigureAwait(false);
                }
                using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop == _limits.MaxRedirects || !Uri.TryCreate(uri, location, out var next) || next.Scheme is not ("http" or "https"))
                    {
                        return null;
                    }
                    uri = next;
                    continue;
                }
                return response.IsSuccessStatusCode ? await ReadImageAsync(response, budget, deadline.Token).ConfigureAwait(false) : null;
            }
        }
        catch (Exception e) when (Refusal(e) is { } refused)
        {
            throw new RelayErrorException(RelayError.InvalidRequest(
                $"image URL refused: {refused.Host} is not a public address", "image_url_not_allowed"));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or SocketException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
    }

    /// <summary>Reads the body in chunks, refusing as soon as the image or the request's images pass their limit.</summary>
    private async Task<InlineImage?> ReadImageAsync(HttpResponseMessage response, Budget budget, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } declared)
        {
            ImageLimit(declared);
            budget.Check(declared);
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var image = new MemoryStream((int)Math.Min(response.Content.Headers.ContentLength ?? ChunkSize, _limits.MaxImageBytes));
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                ImageLimit(image.Length + read);
                budget.Spend(read);
                image.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        var bytes = image.GetBuffer().AsSpan(0, (int)image.Length);
        var mediaType = SniffMediaType(bytes) ?? MediaTypeOf(response.Content.Headers.ContentType);
        return mediaType is null ? null : new InlineImage(mediaType, Convert.ToBase64String(bytes));
    }

    /// <summary>Returns <paramref name="bytes"/> when one image may be that large; throws the client's 400 otherwise.</summary>
    private long ImageLimit(long bytes) => bytes <= _limits.MaxImageBytes
        ? bytes
        : throw new RelayErrorException(RelayError.InvalidRequest(
            $"an image is larger than the limit of {_limits.MaxImageBytes} bytes", "image_too_large"));

    /// <summary>Bytes a base64 text decodes to.</summary>
    private static long DecodedLength(string base64)
    {
        var padding = base64.EndsWith("==", StringComparison.Ordinal) ? 2 : base64.EndsWith('=') ? 1 : 0;
        return Math.Max(0, (long)base64.Length * 3 / 4 - padding);
    }

    private static OutboundAddressRefusedException? Refusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is OutboundAddressRefusedException refused)
            {
                return refused;
            }
        }
        return null;
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

    public void Dispose()
    {
        _http.Dispose();
        _processSlots.Dispose();
    }

    /// <summary>The bytes one request's images may still take; shared by its concurrent fetches.</summary>
    private sealed class Budget(long limit)
    {
        private long _spent;

        public void Check(long more)
        {
            if (Volatile.Read(ref _spent) + more > limit)
            {
                throw TooLarge();
            }
        }

        public void Spend(long bytes)
        {
            if (Interlocked.Add(ref _spent, bytes) > limit)
            {
                throw TooLarge();
            }
        }

        private RelayErrorException TooLarge() => new(RelayError.InvalidRequest(
            $"the images of a request add up to more than the limit of {limit} bytes", "images_too_large"));
    }
}
