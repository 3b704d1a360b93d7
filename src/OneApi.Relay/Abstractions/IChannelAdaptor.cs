namespace OneApi.Relay.Abstractions;

/// <summary>
/// What the relay calls for one channel and model: a wire format served by a host. Adaptors are pure: they build
/// the upstream request and translate the provider's bytes into OpenAI's; they never write to the client, touch the
/// database or bill.
/// </summary>
public interface IChannelAdaptor
{
    bool Supports(RelayMode mode);

    /// <summary>The upstream request; may take I/O first (user image URLs to inline, an OAuth token to fetch).</summary>
    ValueTask<HttpRequestMessage> BuildRequestAsync(RelayRequest request, UpstreamChannel channel, CancellationToken cancellationToken);

    /// <summary>The answer to read once the upstream accepted the request: <see cref="IUpstreamHost.FollowAsync"/>.</summary>
    Task<UpstreamReply> FollowAsync(HttpResponseMessage accepted, UpstreamSend send, CancellationToken cancellationToken) =>
        Task.FromResult(new UpstreamReply(accepted, null));

    /// <summary>Translates a whole (non-stream) success answer into OpenAI's format.</summary>
    Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken);

    /// <summary>Translates a stream into OpenAI chunks, one frame per event, as they arrive.</summary>
    IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, CancellationToken cancellationToken);

    /// <summary>Translates an upstream error answer (status ≥ 400) into the error the client gets.</summary>
    RelayError ReadError(int statusCode, ReadOnlySpan<byte> body);

    /// <summary>See <see cref="IWireFormat.RerankUnits"/>: what a rerank request is reserved by when it is not tokens.</summary>
    int? RerankUnits(RelayRequest request) => null;
    /// <summary>The error a 2xx answer carries instead of one (Baidu answers refusals with 200), else null; read before the answer is.</summary>
    ValueTask<RelayError?> ReadRefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken) => ValueTask.FromResult<RelayError?>(null);

    /// <summary>Whether the error came from a cached credential gone stale, now dropped, so the same call is worth making once more.</summary>
    bool DropsStaleCredential(UpstreamChannel channel, RelayError error) => false;
}

/// <summary>A whole answer in OpenAI's format, or the error it carried despite a 2xx status.</summary>
public sealed record UpstreamAnswer(ReadOnlyMemory<byte> Body, Usage? Usage, string CompletionText, RelayError? Error = null)
{
    /// <summary>Set when the upstream took the request as a background task that is not done yet: ask after it, then read again.</summary>
    public UpstreamTask? Pending { get; init; }
}

/// <summary>A job the upstream runs in the background (DashScope's wanx images), and how long to wait before asking after it again.</summary>
public sealed record UpstreamTask(string Id, TimeSpan PollInterval);

/// <summary>
/// One stream event: <see cref="Data"/> is the OpenAI chunk JSON to send (empty when the event has nothing for the
/// client), with what the pipeline needs to bill: the usage the event reported and the text it added.
/// <see cref="Event"/> names the SSE event (<c>event:</c> line) for clients of APIs that name them (Anthropic Messages);
/// OpenAI chunks have none.
/// </summary>
public readonly record struct StreamFrame(ReadOnlyMemory<byte> Data, Usage? Usage = null, string? Text = null, RelayError? Error = null, string? Event = null);
