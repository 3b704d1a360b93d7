using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Images;
using OneApi.Relay.OpenAI;
using OneApi.Relay.Streaming;

namespace OneApi.Relay.Adaptors.Anthropic;

/// <summary>
/// Claude on Anthropic's own API (channel type 14): OpenAI chat converted to Messages and back, streamed or not.
/// Auth is <c>x-api-key</c> with <c>anthropic-version: 2023-06-01</c> (https://docs.anthropic.com/en/api/versioning).
/// </summary>
public sealed class AnthropicAdaptor(UserImageFetcher? images = null, TimeProvider? time = null) : IChannelAdaptor, IAnthropicMessagesAdaptor
{
    public const string ApiVersion = "2023-06-01";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public AnthropicAdaptor() : this(null, null)
    {
    }

    public IReadOnlyCollection<int> ChannelTypes { get; } = [Abstractions.ChannelTypes.Anthropic];

    public IReadOnlyList<string> KnownModels => AnthropicModels.All;

    public bool Supports(RelayMode mode) => mode == RelayMode.ChatCompletions;

    /// <summary>Without I/O: image URLs go as URL sources, which Anthropic fetches itself.</summary>
    public HttpRequestMessage BuildRequest(RelayRequest request, UpstreamChannel channel) =>
        Build(ToAnthropicRequest.Convert(request), channel, request.IsStream);

    /// <summary>As one-api: image URLs are fetched by the gateway (bounded by its timeout) and sent inline.</summary>
    public async ValueTask<HttpRequestMessage> BuildRequestAsync(RelayRequest request, UpstreamChannel channel, CancellationToken cancellationToken) =>
        Build(await ToAnthropicRequest.ConvertAsync(request, images, cancellationToken).ConfigureAwait(false), channel, request.IsStream);

    /// <summary>A Messages request to the channel: used for converted OpenAI requests and for native ones alike.</summary>
    public static HttpRequestMessage Build(JsonObject messagesBody, UpstreamChannel channel, bool stream, IReadOnlyList<string>? clientBetas = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, MessagesUrl(channel))
        {
            Content = new ByteArrayContent(JsonWire.Serialize(messagesBody)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        message.Headers.Add("x-api-key", channel.Key);
        message.Headers.Add("anthropic-version", ApiVersion);
        if (ToAnthropicRequest.BetaHeaders(messagesBody, clientBetas) is { Count: > 0 } betas)
        {
            message.Headers.Add("anthropic-beta", string.Join(",", betas));
        }
        if (stream)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }
        return message;
    }

    private static string MessagesUrl(UpstreamChannel channel)
    {
        var baseUrl = (string.IsNullOrEmpty(channel.BaseUrl) ? Abstractions.ChannelTypes.DefaultBaseUrl(channel.Type) : channel.BaseUrl).TrimEnd('/');
        return baseUrl.EndsWith("/v1", StringComparison.Ordinal) ? baseUrl + "/messages" : baseUrl + "/v1/messages";
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return FromAnthropicAnswer.Convert(body, request, _time.GetUtcNow().ToUnixTimeSeconds());
    }

    public IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, CancellationToken cancellationToken) =>
        FromAnthropicStream.ReadAsync(SseEvents(upstream, cancellationToken), request, _time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken);

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => AnthropicErrors.Read(statusCode, body);

    public ValueTask<HttpRequestMessage> BuildMessagesRequestAsync(JsonObject messagesBody, bool stream, IReadOnlyList<string> betas, UpstreamChannel channel,
        CancellationToken cancellationToken) =>
        ValueTask.FromResult(Build(messagesBody, channel, stream, betas));

    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadMessagesEventsAsync(Stream upstream, CancellationToken cancellationToken) =>
        SseEvents(upstream, cancellationToken);

    /// <summary>The <c>data:</c> payloads of a Messages SSE stream (Anthropic's and Vertex AI's).</summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> SseEvents(Stream upstream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var sse in SseReader.ReadAsync(upstream, cancellationToken).ConfigureAwait(false))
        {
            yield return sse.Data;
        }
    }
}
