using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        return request.Mode == RelayMode.Rerank ? RerankAnswer.Inspect(body) : OpenAIAnswer.Inspect(body, request.Mode);
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
            if (OpenAIChunk.Inspect(OwnArray(data), request.Mode) is { } frame)
            {
                yield return frame;
            }
        }
    }

    /// <summary>The payload's array when it spans one whole, as the SSE reader hands each out; else a copy.</summary>
    private static byte[] OwnArray(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) && segment is { Array: { } array, Offset: 0 } && segment.Count == array.Length
            ? array
            : data.ToArray();

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

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Post(payload.Path is { } path ? Url(channel, path) : Url(channel, payload.Mode), payload, channel.Key));

    /// <summary>A POST of the payload with the key as a Bearer token, asking for SSE when it streams.</summary>
    public static HttpRequestMessage Post(string url, UpstreamPayload payload, string key)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = payload.ToContent() };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (payload.Stream)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }
        return message;
    }

    /// <summary>
    /// The base URL joined with the type's path for the mode (<see cref="OpenAIRoutes"/>). A base URL that already
    /// carries a version path (ending in <c>/v1</c>, or a Cloudflare AI Gateway URL as in one-api's
    /// <c>GetFullRequestURL</c>) gets OpenAI's path without its <c>/v1</c>. Groq's default base
    /// <c>https://api.groq.com/openai</c> is not one of them: its endpoint is <c>/openai/v1/chat/completions</c>.
    /// </summary>
    public static string Url(UpstreamChannel channel, RelayMode mode)
    {
        var (baseUrl, routes) = Target(channel);
        return baseUrl + routes.PathOf(mode);
    }

    /// <summary>The URL of an OpenAI path no mode stands for (<c>/v1/responses</c>), under the same rules.</summary>
    public static string Url(UpstreamChannel channel, string openAIPath)
    {
        var (baseUrl, routes) = Target(channel);
        return baseUrl + routes.PathOf(openAIPath);
    }

    private static (string BaseUrl, OpenAIRoutes Routes) Target(UpstreamChannel channel)
    {
        var baseUrl = ChannelTypes.BaseUrlOf(channel).TrimEnd('/');
        var routes = baseUrl.EndsWith("/v1", StringComparison.Ordinal) || baseUrl.StartsWith("https://gateway.ai.cloudflare.com", StringComparison.OrdinalIgnoreCase)
            ? OpenAIRoutes.InBaseUrl
            : ChannelTypes.Find(channel.Type)?.OpenAIRoutes ?? OpenAIRoutes.Standard;
        return (baseUrl, routes);
    }
}
