using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Images;

namespace OneApi.Relay.Adaptors.Anthropic;

/// <summary>
/// Anthropic's Messages API (https://docs.anthropic.com/en/api/messages), written once for its three hosts:
/// Anthropic, AWS Bedrock and Vertex AI, which only address, authenticate and wrap it.
/// </summary>
public sealed class ClaudeMessagesFormat(UserImageFetcher? images = null, TimeProvider? time = null) : IWireFormat
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.ClaudeMessages;

    public bool Claims(string model) => model.StartsWith("claude", StringComparison.Ordinal);

    public bool Supports(RelayMode mode) => mode == RelayMode.ChatCompletions;

    /// <summary>As one-api: image URLs are fetched by the gateway (bounded by its timeout) and sent inline.</summary>
    public async ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await ToAnthropicRequest.ConvertAsync(request, images, cancellationToken).ConfigureAwait(false);
        return Payload(body, request.IsStream, []);
    }

    /// <summary>
    /// A body already in Messages format (a <c>/v1/messages</c> client's, with the channel's model) and the client's
    /// <c>anthropic-beta</c> values. Image URLs are inlined for hosts that do not fetch them.
    /// </summary>
    public async ValueTask<UpstreamPayload> FromMessagesAsync(JsonObject messagesBody, bool stream, IReadOnlyList<string> betas, bool inlineImages,
        CancellationToken cancellationToken)
    {
        var body = (JsonObject)messagesBody.DeepClone();
        if (inlineImages && images is not null)
        {
            await ToAnthropicRequest.InlineImagesAsync(body, images, cancellationToken).ConfigureAwait(false);
        }
        return Payload(body, stream, betas);
    }

    private UpstreamPayload Payload(JsonObject body, bool stream, IReadOnlyList<string> clientBetas) =>
        new(Kind, RelayMode.ChatCompletions, Relay.OpenAI.JsonWire.String(body["model"]) ?? "", stream)
        {
            Json = body,
            Betas = ToAnthropicRequest.BetaHeaders(body, clientBetas),
        };

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return FromAnthropicAnswer.Convert(body, request, _time.GetUtcNow().ToUnixTimeSeconds());
    }

    public IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request, CancellationToken cancellationToken) =>
        FromAnthropicStream.ReadAsync(events, request, _time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken);

    /// <summary>Claude's errors; Vertex AI's Google-shaped ones read the same way.</summary>
    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => AnthropicErrors.Read(statusCode, body);
}
