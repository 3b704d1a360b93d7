using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;
using OneApi.Relay.Streaming;

namespace OneApi.Relay.Adaptors.OpenAI;

/// <summary>
/// OpenAI and every provider that speaks its API (channel types that one-api maps to its OpenAI api type).
/// The request body goes through as the client sent it unless the pipeline edited it.
/// </summary>
public sealed class OpenAIAdaptor(OpenAIRequestOptions options) : IChannelAdaptor, IMediaAdaptor
{
    // Types with their own converting adaptor in one-api, and Azure, whose URLs and auth differ; everything else speaks OpenAI.
    private static readonly HashSet<int> ConvertingTypes = [3, 11, 14, 15, 16, 17, 18, 21, 23, 24, 30, 33, 34, 35, 37, 38, 42, 43, 46];

    public OpenAIAdaptor() : this(OpenAIRequestOptions.Default)
    {
    }

    public IReadOnlyCollection<int> ChannelTypes { get; } =
        Enumerable.Range(1, Abstractions.ChannelTypes.Dummy - 1).Where(t => !ConvertingTypes.Contains(t)).ToArray();

    public IReadOnlyList<string> KnownModels { get; } = OpenAIModels.All;

    public bool Supports(RelayMode mode) => true;

    public HttpRequestMessage BuildRequest(RelayRequest request, UpstreamChannel channel)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, OpenAIUrls.For(channel, request.Mode.Path()))
        {
            Content = ShapedBody(request, channel.Type, options),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", channel.Key);
        if (request.IsStream)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }
        return message;
    }

    /// <summary>The body after the provider's and model's quirks; the client's own bytes when none applies.</summary>
    internal static HttpContent ShapedBody(RelayRequest request, int channelType, OpenAIRequestOptions options)
    {
        if (OpenAIRequestShapers.Shape(request, channelType, options) is not { } shaped)
        {
            return OpenAIBody.From(request);
        }
        return new ByteArrayContent(JsonWire.Serialize(shaped)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return OpenAIAnswer.Inspect(body, request.Mode);
    }

    public async IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var sse in SseReader.ReadAsync(upstream, cancellationToken).ConfigureAwait(false))
        {
            if (sse.IsDone)
            {
                yield break;
            }
            if (OpenAIChunk.Inspect(sse.Data, request.Mode) is { } frame)
            {
                yield return frame;
            }
        }
    }

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => OpenAIError.Parse(statusCode, body);

    public HttpRequestMessage BuildMediaRequest(RelayMode mode, string model, HttpContent body, UpstreamChannel channel)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, OpenAIUrls.For(channel, mode.Path())) { Content = body };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", channel.Key);
        return message;
    }
}
