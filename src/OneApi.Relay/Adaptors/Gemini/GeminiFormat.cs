using System.Net.Http.Headers;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Catalog;
using OneApi.Relay.Images;

namespace OneApi.Relay.Adaptors.Gemini;

/// <summary>Gemini's <c>generateContent</c> family (https://ai.google.dev/api/generate-content), on Google AI Studio or Vertex AI.</summary>
public sealed class GeminiFormat(GeminiOptions options, UserImageFetcher? images = null, TimeProvider? time = null) : IWireFormat
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.Gemini;

    public bool Claims(string model) => model.StartsWith("gemini", StringComparison.Ordinal) || model.StartsWith("gemma", StringComparison.Ordinal);

    public bool Supports(RelayMode mode) => mode is RelayMode.ChatCompletions or RelayMode.Embeddings;

    public async ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken)
    {
        var body = request.Mode == RelayMode.Embeddings
            ? ToGeminiRequest.Embeddings(request)
            : await ToGeminiRequest.ConvertAsync(request, options, images, cancellationToken).ConfigureAwait(false);
        return new UpstreamPayload(Kind, request.Mode, request.Model, request.IsStream) { Json = body };
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return request.Mode == RelayMode.Embeddings
            ? FromGeminiAnswer.Embeddings(body, request)
            : FromGeminiAnswer.Convert(body, request, _time.GetUtcNow().ToUnixTimeSeconds());
    }

    public IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request, CancellationToken cancellationToken) =>
        FromGeminiStream.ReadAsync(events, request, _time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken);

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => GoogleErrors.Read(statusCode, body);
}

/// <summary>The method a Google model is called with: the part of the URL after the model's name.</summary>
public static class GoogleMethods
{
    public static string Of(UpstreamPayload payload) => payload switch
    {
        { Format: WireFormatKind.Imagen } => "predict",
        { Mode: RelayMode.Embeddings } => "batchEmbedContents",
        { Stream: true } => "streamGenerateContent?alt=sse",
        _ => "generateContent",
    };
}

/// <summary>
/// Google AI Studio (channel type 24): <c>{base}/{version}/models/{model}:{method}</c> with the key in
/// <c>x-goog-api-key</c> (https://ai.google.dev/api). The version is the channel's <c>api_version</c>, else <c>GEMINI_VERSION</c>.
/// </summary>
public sealed class GoogleAIHost(GeminiOptions options) : IUpstreamHost
{
    public HostKind Kind => HostKind.GoogleAI;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var version = channel.Config.ApiVersion.Length > 0 ? channel.Config.ApiVersion : options.Version;
        var url = $"{ChannelTypes.BaseUrlOf(channel).TrimEnd('/')}/{version}/models/{Uri.EscapeDataString(payload.Model)}:{GoogleMethods.Of(payload)}";
        var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = payload.ToContent() };
        message.Headers.Add("x-goog-api-key", channel.Key);
        if (payload.Stream)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }
        return ValueTask.FromResult(message);
    }
}
