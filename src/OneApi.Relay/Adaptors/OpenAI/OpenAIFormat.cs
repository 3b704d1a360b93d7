using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Catalog;
using OneApi.Relay.OpenAI;
using OneApi.Relay.Streaming;

namespace OneApi.Relay.Adaptors.OpenAI;

/// <summary>
/// OpenAI's own API, spoken by OpenAI, Azure and every OpenAI-compatible provider. The client's body goes through
/// as it was sent unless the pipeline edited it or a provider's quirk applies.
/// </summary>
public sealed class OpenAIFormat(OpenAIRequestOptions options, ChannelQuirks quirks = ChannelQuirks.None) : IWireFormat, IMediaFormat
{
    public WireFormatKind Kind => WireFormatKind.OpenAI;

    public bool Claims(string model) => true;

    public bool Supports(RelayMode mode) => true;

    public ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new UpstreamPayload(Kind, request.Mode, request.Model, request.IsStream) { Content = ShapedBody(request) });

    /// <summary>The body after the provider's and model's quirks; the client's own bytes when none applies.</summary>
    private HttpContent ShapedBody(RelayRequest request) =>
        OpenAIRequestShapers.Shape(request, quirks, options) is { } shaped ? UpstreamPayload.JsonContent(shaped) : OpenAIBody.From(request);

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return OpenAIAnswer.Inspect(body, request.Mode);
    }

    public async IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var data in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (SseReader.IsDone(data.Span))
            {
                yield break;
            }
            if (OpenAIChunk.Inspect(data.ToArray(), request.Mode) is { } frame)
            {
                yield return frame;
            }
        }
    }

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => OpenAIError.Parse(statusCode, body);

    public ValueTask<UpstreamPayload> ToMediaUpstreamAsync(RelayMode mode, string model, HttpContent body, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new UpstreamPayload(Kind, mode, model, Stream: false) { Content = body });

    /// <summary>OpenAI's own images and audio reach the client as they are (audio streams through).</summary>
    public Task<UpstreamAnswer?> ReadMediaAnswerAsync(HttpResponseMessage response, RelayMode mode, CancellationToken cancellationToken) =>
        Task.FromResult<UpstreamAnswer?>(null);
}

/// <summary>
/// The channel's base URL (or its type's default) with OpenAI's paths and a Bearer key: OpenAI and the
/// OpenAI-compatible providers, Gemini's OpenAI endpoint included.
/// </summary>
public sealed class BearerHost : IUpstreamHost
{
    public HostKind Kind => HostKind.Bearer;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Url(channel, payload.Path ?? payload.Mode.Path())) { Content = payload.ToContent() };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", channel.Key);
        if (payload.Stream)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }
        return ValueTask.FromResult(message);
    }

    /// <summary>
    /// The base URL joined with the OpenAI path. A base URL that already carries a version path (a type marked so in
    /// the catalogue, a base ending in <c>/v1</c>, a Cloudflare AI Gateway URL as in one-api's <c>GetFullRequestURL</c>)
    /// gets the path without its <c>/v1</c>. Groq's default base <c>https://api.groq.com/openai</c> is not one of
    /// them: its endpoint is <c>/openai/v1/chat/completions</c>.
    /// </summary>
    public static string Url(UpstreamChannel channel, string path)
    {
        var baseUrl = ChannelTypes.BaseUrlOf(channel).TrimEnd('/');
        var hasVersion = (ChannelTypes.Find(channel.Type)?.Quirks ?? ChannelQuirks.None).HasFlag(ChannelQuirks.BaseUrlHasVersion) ||
            baseUrl.EndsWith("/v1", StringComparison.Ordinal) ||
            baseUrl.StartsWith("https://gateway.ai.cloudflare.com", StringComparison.OrdinalIgnoreCase);
        return hasVersion && path.StartsWith("/v1/", StringComparison.Ordinal) ? baseUrl + path[3..] : baseUrl + path;
    }
}
