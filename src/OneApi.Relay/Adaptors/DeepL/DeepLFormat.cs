using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.DeepL;

/// <summary>
/// DeepL translation served as chat (channel type 38), as one-api does: the last message is translated into the
/// language the model names (<c>deepl-ja</c> → <c>JA</c>, <c>deepl-en-us</c> → <c>EN-US</c>, ZH when none) with
/// <c>/v2/translate</c> (https://developers.deepl.com/docs/api-reference/translate). DeepL counts characters, not
/// tokens: the source text's length is billed as the prompt, as one-api bills it. DeepL does not stream; a stream
/// request gets the translation as one chunk.
/// </summary>
public sealed class DeepLFormat(TimeProvider? time = null) : IWireFormat
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.DeepL;

    public bool Claims(string model) => true;

    public bool Supports(RelayMode mode) => mode == RelayMode.ChatCompletions;

    public ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["text"] = new JsonArray(SourceText(request)), ["target_lang"] = TargetLanguage(request.Model) };
        return ValueTask.FromResult(new UpstreamPayload(Kind, request.Mode, request.Model, request.IsStream) { Json = body });
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (Translation(body) is not { } text)
        {
            return new UpstreamAnswer(body, null, "", ReadError(502, body));
        }
        var usage = BilledUsage(request);
        var openAI = OpenAIShapes.Completion("chatcmpl-" + Guid.NewGuid().ToString("N"), _time.GetUtcNow().ToUnixTimeSeconds(), request.Model,
            new JsonObject { ["role"] = "assistant", ["content"] = text }, "stop", usage);
        return new UpstreamAnswer(JsonWire.Serialize(openAI), usage, text);
    }

    public async IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunks = new OpenAIStreamChunks(request, _time.GetUtcNow().ToUnixTimeSeconds());
        await foreach (var body in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (Translation(body.Span) is not { } text)
            {
                yield return new StreamFrame(default, Error: ReadError(502, body.Span));
                yield break;
            }
            foreach (var frame in chunks.Delta(new JsonObject { ["content"] = text }, text, "stop", BilledUsage(request)))
            {
                yield return frame;
            }
        }
    }

    /// <summary>DeepL's errors are <c>{"message": "…"}</c>; 456 means the character quota is used up.</summary>
    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) =>
        new(RelayErrorKind.UpstreamStatus, statusCode,
            (JsonWire.Parse(body) is { } error ? JsonWire.String(error["message"]) : null) ?? $"DeepL answered {statusCode}", "deepl_error", "deepl_error");

    public static string TargetLanguage(string model)
    {
        var dash = model.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? "ZH" : model[(dash + 1)..].ToUpperInvariant();
    }

    private static string SourceText(RelayRequest request) => OpenAIMessages.TextOf((request.Body["messages"] as JsonArray)?.LastOrDefault()?["content"]);

    private static Usage BilledUsage(RelayRequest request) => Usage.Of(SourceText(request).Length, 0);

    private static string? Translation(ReadOnlySpan<byte> body) =>
        JsonWire.Parse(body)?["translations"] is JsonArray { Count: > 0 } translations ? JsonWire.String(translations[0]?["text"]) : null;
}

/// <summary>DeepL's API: <c>{base}/v2/translate</c> with <c>Authorization: DeepL-Auth-Key …</c>; answers are whole JSON, streamed or not.</summary>
public sealed class DeepLHost : IUpstreamHost
{
    public HostKind Kind => HostKind.DeepL;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Catalog.ChannelTypes.BaseUrlOf(channel).TrimEnd('/') + "/v2/translate") { Content = payload.ToContent() };
        message.Headers.TryAddWithoutValidation("Authorization", "DeepL-Auth-Key " + channel.Key);
        return ValueTask.FromResult(message);
    }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadEventsAsync(Stream upstream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await upstream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        yield return buffer.ToArray();
    }
}
