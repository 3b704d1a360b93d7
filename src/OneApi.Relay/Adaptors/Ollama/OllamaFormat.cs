using OneApi.Relay.Abstractions;
using OneApi.Relay.Images;

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
