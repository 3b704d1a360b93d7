using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Anthropic;

namespace OneApi.Relay.Adaptors;

/// <summary>
/// A wire format served by a host: the format converts, the host addresses, authenticates, wraps and unframes.
/// This is the one place where the two meet, so no provider writes "build, send, read" itself.
/// </summary>
public class HostedAdaptor(IWireFormat format, IUpstreamHost host) : IChannelAdaptor, IMediaAdaptor
{
    public IWireFormat Format { get; } = format;

    public IUpstreamHost Host { get; } = host;

    /// <summary>The pair; Claude pairs also take Anthropic Messages bodies as they are.</summary>
    public static HostedAdaptor Create(IWireFormat format, IUpstreamHost host) =>
        format is ClaudeMessagesFormat claude ? new ClaudeHostedAdaptor(claude, host) : new HostedAdaptor(format, host);

    public bool Supports(RelayMode mode) => Format.Supports(mode) && Host.Serves(Format.Kind, mode);

    public async ValueTask<HttpRequestMessage> BuildRequestAsync(RelayRequest request, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var payload = await Format.ToUpstreamAsync(request, cancellationToken).ConfigureAwait(false);
        return await Host.BuildAsync(payload, channel, cancellationToken).ConfigureAwait(false);
    }

    public Task<UpstreamReply> FollowAsync(HttpResponseMessage accepted, UpstreamSend send, CancellationToken cancellationToken) =>
        Host.FollowAsync(accepted, send, cancellationToken);

    public Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken) =>
        Format.ReadAnswerAsync(response, request, cancellationToken);

    public IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, CancellationToken cancellationToken) =>
        Format.ReadStreamAsync(Host.ReadEventsAsync(upstream, cancellationToken), request, cancellationToken);

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => Host.ReadError(statusCode, body) ?? Format.ReadError(statusCode, body);

    public int? RerankUnits(RelayRequest request) => Format.RerankUnits(request.Body);
    public ValueTask<RelayError?> ReadRefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        Format.ReadRefusalAsync(response, cancellationToken);

    public bool DropsStaleCredential(UpstreamChannel channel, RelayError error) => Host.DropsStaleCredential(channel, error);

    public async ValueTask<HttpRequestMessage> BuildMediaRequestAsync(RelayMode mode, string model, HttpContent body, UpstreamChannel channel,
        CancellationToken cancellationToken)
    {
        var payload = await MediaFormat.ToMediaUpstreamAsync(mode, model, body, cancellationToken).ConfigureAwait(false);
        return await Host.BuildAsync(payload, channel, cancellationToken).ConfigureAwait(false);
    }

    public Task<UpstreamAnswer?> ReadMediaAnswerAsync(HttpResponseMessage response, RelayMode mode, CancellationToken cancellationToken) =>
        MediaFormat.ReadMediaAnswerAsync(response, mode, cancellationToken);

    public ValueTask<HttpRequestMessage> BuildTaskPollAsync(UpstreamTask task, UpstreamChannel channel, CancellationToken cancellationToken) =>
        Host.BuildTaskPollAsync(task, channel, cancellationToken);

    private IMediaFormat MediaFormat => Format as IMediaFormat ?? throw new RelayErrorException(RelayError.NotImplemented());
}

/// <summary>Claude on any of its hosts, which also passes <c>/v1/messages</c> bodies through without converting them.</summary>
public sealed class ClaudeHostedAdaptor(ClaudeMessagesFormat claude, IUpstreamHost host) : HostedAdaptor(claude, host), IAnthropicMessagesAdaptor
{
    public async ValueTask<HttpRequestMessage> BuildMessagesRequestAsync(JsonObject messagesBody, bool stream, IReadOnlyList<string> betas,
        UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var payload = await claude.FromMessagesAsync(messagesBody, stream, betas, inlineImages: !Host.FetchesImageUrls, cancellationToken).ConfigureAwait(false);
        return await Host.BuildAsync(payload, channel, cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadMessagesEventsAsync(Stream upstream, CancellationToken cancellationToken) =>
        Host.ReadEventsAsync(upstream, cancellationToken);
}
