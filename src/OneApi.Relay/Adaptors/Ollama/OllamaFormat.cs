using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Catalog;
using OneApi.Relay.Images;
using OneApi.Relay.Streaming;

namespace OneApi.Relay.Adaptors.Ollama;

/// <summary>Ollama's native chat and embeddings (channel type 30), as one-api relays them.</summary>
public sealed class OllamaFormat(UserImageFetcher? images = null, TimeProvider? time = null) : IWireFormat
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.Ollama;

    public bool Claims(string model) => true;

    public bool Supports(RelayMode mode) => mode is RelayMode.ChatCompletions or RelayMode.Embeddings;

    public async ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken)
    {
        var body = request.Mode == RelayMode.Embeddings
            ? ToOllamaRequest.Embeddings(request)
            : await ToOllamaRequest.ChatAsync(request, images, cancellationToken).ConfigureAwait(false);
        return new UpstreamPayload(Kind, request.Mode, request.Model, request.IsStream) { Json = body };
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return request.Mode == RelayMode.Embeddings
            ? FromOllama.Embeddings(body, request)
            : FromOllama.Answer(body, request, _time.GetUtcNow().ToUnixTimeSeconds());
    }

    public IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request, CancellationToken cancellationToken) =>
        FromOllama.StreamAsync(events, request, _time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken);

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => FromOllama.ReadError(statusCode, body);
}

/// <summary>
/// An Ollama server: <c>{base}/api/chat</c> and <c>{base}/api/embed</c>, streams as one JSON object per line. The key
/// goes as a Bearer token for the proxies put in front of Ollama (it checks none itself), as one-api sends it.
/// </summary>
public sealed class OllamaHost : IUpstreamHost
{
    public HostKind Kind => HostKind.Ollama;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var path = payload.Mode == RelayMode.Embeddings ? "/api/embed" : "/api/chat";
        return ValueTask.FromResult(BearerHost.Post(ChannelTypes.BaseUrlOf(channel).TrimEnd('/') + path, payload, channel.Key));
    }

    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadEventsAsync(Stream upstream, CancellationToken cancellationToken) =>
        NdjsonReader.LinesAsync(upstream, cancellationToken);
}
