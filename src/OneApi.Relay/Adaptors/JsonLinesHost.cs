using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Catalog;
using OneApi.Relay.Streaming;

namespace OneApi.Relay.Adaptors;

/// <summary>
/// A provider reached at fixed paths under the channel's base URL with a Bearer key, whose streams are one JSON
/// object per line rather than SSE.
/// </summary>
public sealed class JsonLinesHost(HostKind kind, Func<RelayMode, string> path) : IUpstreamHost
{
    /// <summary>
    /// An Ollama server: <c>/api/chat</c> and <c>/api/embed</c> (https://github.com/ollama/ollama/blob/main/docs/api.md).
    /// The key goes as a Bearer token for a proxy put in front of Ollama (which checks none), as one-api sends it.
    /// </summary>
    public static readonly JsonLinesHost Ollama = new(HostKind.Ollama, mode => mode == RelayMode.Embeddings ? "/api/embed" : "/api/chat");

    /// <summary>Cohere's v1 chat (https://docs.cohere.com/v1/reference/chat) and v2 rerank, as one-api calls them.</summary>
    public static readonly JsonLinesHost Cohere = new(HostKind.Cohere, mode => mode == RelayMode.Rerank ? "/v2/rerank" : "/v1/chat");

    public HostKind Kind => kind;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken) =>
        ValueTask.FromResult(BearerHost.Post(ChannelTypes.BaseUrlOf(channel).TrimEnd('/') + path(payload.Mode), payload, channel.Key));

    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadEventsAsync(Stream upstream, CancellationToken cancellationToken) =>
        NdjsonReader.LinesAsync(upstream, cancellationToken);
}
