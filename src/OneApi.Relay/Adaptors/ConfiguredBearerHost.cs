using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Coze;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Catalog;
using OneApi.Relay.Streaming;

namespace OneApi.Relay.Adaptors;

/// <summary>
/// A provider's own API at a fixed path under the channel's base URL with a Bearer key, whose body takes one field
/// from the channel config (none when the config leaves it empty).
/// </summary>
public sealed class ConfiguredBearerHost(HostKind kind, string path, string field, Func<ChannelConfig, string> fromConfig,
    Func<Stream, CancellationToken, IAsyncEnumerable<ReadOnlyMemory<byte>>> unframe) : IUpstreamHost
{
    /// <summary>Coze's v3 chat with a personal access token; the config's <c>user_id</c> is the Coze user every call is made as, as in one-api.</summary>
    public static readonly ConfiguredBearerHost Coze = new(HostKind.Coze, "/v3/chat", "user_id", c => c.UserId, CozeEvents.ReadAsync);

    /// <summary>AI Proxy's library API, asking the library of the config's <c>library_id</c>.</summary>
    public static readonly ConfiguredBearerHost AIProxyLibrary = new(HostKind.AIProxyLibrary, "/api/library/ask", "libraryId", c => c.LibraryId,
        SseReader.DataAsync);

    public HostKind Kind => kind;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        if (fromConfig(channel.Config) is { Length: > 0 } value)
        {
            var body = payload.Json!.DeepClone().AsObject();
            body[field] = value;
            payload = payload with { Json = body };
        }
        return ValueTask.FromResult(BearerHost.Post(ChannelTypes.BaseUrlOf(channel).TrimEnd('/') + path, payload, channel.Key));
    }

    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadEventsAsync(Stream upstream, CancellationToken cancellationToken) => unframe(upstream, cancellationToken);
}
