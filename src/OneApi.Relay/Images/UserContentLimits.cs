namespace OneApi.Relay.Images;

/// <summary>
/// How much fetching images on a client's behalf may cost the gateway: a client's request is small, the images it
/// names need not be, and they are held in memory until the upstream request is sent.
/// </summary>
public sealed record UserContentLimits
{
    /// <summary>Images (by URL or inline) in one request (<c>USER_CONTENT_MAX_IMAGES</c>).</summary>
    public int MaxImages { get; init; } = 20;

    /// <summary>Bytes of one image (<c>USER_CONTENT_MAX_IMAGE_MB</c>); Anthropic takes at most 5 MB per image.</summary>
    public long MaxImageBytes { get; init; } = 5L * 1024 * 1024;

    /// <summary>Bytes of all the images of one request (<c>USER_CONTENT_MAX_REQUEST_MB</c>).</summary>
    public long MaxRequestBytes { get; init; } = 20L * 1024 * 1024;

    /// <summary>Images of one request fetched at the same time (<c>USER_CONTENT_FETCHES_PER_REQUEST</c>).</summary>
    public int FetchesPerRequest { get; init; } = 4;

    /// <summary>Images fetched at the same time by the whole process (<c>USER_CONTENT_MAX_CONCURRENT_FETCHES</c>).</summary>
    public int FetchesAtOnce { get; init; } = 32;

    /// <summary>How long one image may take, redirects included (<c>USER_CONTENT_REQUEST_TIMEOUT</c>).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Redirects followed for one image.</summary>
    public int MaxRedirects { get; init; } = 3;
}
