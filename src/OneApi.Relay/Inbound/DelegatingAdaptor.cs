using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Inbound;

/// <summary>An adaptor that hands everything to another; client APIs override what they present differently.</summary>
public abstract class DelegatingAdaptor(IChannelAdaptor inner) : IChannelAdaptor
{
    protected IChannelAdaptor Inner { get; } = inner;

    public bool Supports(RelayMode mode) => Inner.Supports(mode);

    public virtual ValueTask<HttpRequestMessage> BuildRequestAsync(RelayRequest request, UpstreamChannel channel, CancellationToken cancellationToken) =>
        Inner.BuildRequestAsync(request, channel, cancellationToken);

    public Task<UpstreamReply> FollowAsync(HttpResponseMessage accepted, UpstreamSend send, CancellationToken cancellationToken) =>
        Inner.FollowAsync(accepted, send, cancellationToken);

    public virtual Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken) =>
        Inner.ReadAnswerAsync(response, request, cancellationToken);

    public virtual IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, CancellationToken cancellationToken) =>
        Inner.ReadStreamAsync(upstream, request, cancellationToken);

    public virtual RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => Inner.ReadError(statusCode, body);

    public ValueTask<RelayError?> ReadRefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        Inner.ReadRefusalAsync(response, cancellationToken);

    public bool DropsStaleCredential(UpstreamChannel channel, RelayError error) => Inner.DropsStaleCredential(channel, error);
}
