using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Baidu;

/// <summary>
/// ERNIE's chat and embeddings (channel type 15). Answers carry <c>result</c> and <c>usage</c>; streams are SSE
/// events of the same shape with <c>is_end</c> on the last, which has the usage; refusals are
/// <c>{"error_code","error_msg"}</c>, usually with status 200 (<see cref="ErnieErrors"/>). Function calling is not
/// converted.
/// </summary>
public sealed class ErnieFormat(TimeProvider? time = null) : IWireFormat
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.Ernie;

    public bool Claims(string model) => true;

    public bool Supports(RelayMode mode) => mode is RelayMode.ChatCompletions or RelayMode.Embeddings;

    public ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken)
    {
        var body = request.Mode == RelayMode.Embeddings ? ToErnieRequest.Embeddings(request) : ToErnieRequest.Chat(request);
        return ValueTask.FromResult(new UpstreamPayload(Kind, request.Mode, request.Model, request.IsStream) { Json = body });
    }

    public async ValueTask<RelayError?> ReadRefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            return null;
        }
        // The refusal of a stream comes as one JSON object; an answer is read whole anyway, so it is buffered here.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        return ErnieErrors.Of(JsonWire.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)));
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var answer = JsonWire.Parse(body);
        if (ErnieErrors.Of(answer) is { } error)
        {
            return new UpstreamAnswer(body, null, "", error);
        }
        var usage = UsageOf(answer);
        if (request.Mode == RelayMode.Embeddings)
        {
            return answer?["data"] is JsonArray data
                ? new UpstreamAnswer(JsonWire.Serialize(OpenAIShapes.Embeddings(request.Model, data.Select(d => d?["embedding"]), usage)), usage, "")
                : Malformed(body, "the answer has no data");
        }
        if (JsonWire.String(answer?["result"]) is not { } text)
        {
            return Malformed(body, "the answer has no result");
        }
        var openAI = OpenAIShapes.Completion(JsonWire.String(answer!["id"]) ?? "chatcmpl-" + Guid.NewGuid().ToString("N"),
            _time.GetUtcNow().ToUnixTimeSeconds(), request.Model, new JsonObject { ["role"] = "assistant", ["content"] = text },
            FinishReason(JsonWire.String(answer["finish_reason"])), usage);
        return new UpstreamAnswer(JsonWire.Serialize(openAI), usage, text);
    }

    public async IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunks = new OpenAIStreamChunks(request, _time.GetUtcNow().ToUnixTimeSeconds());
        await foreach (var data in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var evt = JsonWire.Parse(data.Span);
            if (evt is null || ErnieErrors.Of(evt) is { } error)
            {
                yield return new StreamFrame(default, Error: ErnieErrors.Of(evt) ?? RelayError.UpstreamMalformed("a stream event is not JSON"));
                yield break;
            }
            if (JsonWire.String(evt["id"]) is { } id)
            {
                chunks.Id = id;
            }
            var text = JsonWire.String(evt["result"]) ?? "";
            var ended = JsonWire.Bool(evt["is_end"]) == true;
            foreach (var frame in chunks.Delta(new JsonObject { ["content"] = text }, text,
                ended ? FinishReason(JsonWire.String(evt["finish_reason"])) : null, ended ? UsageOf(evt) : null))
            {
                yield return frame;
            }
        }
    }

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => ErnieErrors.Read(statusCode, body);

    private static UpstreamAnswer Malformed(byte[] body, string detail) => new(body, null, "", RelayError.UpstreamMalformed(detail));

    /// <summary>Baidu's total counts both sides; the completion is what it adds to the prompt, as one-api reads it.</summary>
    private static Usage? UsageOf(JsonObject? answer) =>
        answer?["usage"] is JsonObject usage && JsonWire.Int(usage["total_tokens"]) is { } total
            ? Usage.Of(JsonWire.Int(usage["prompt_tokens"]) ?? 0, total - (JsonWire.Int(usage["prompt_tokens"]) ?? 0))
            : null;

    private static string FinishReason(string? reason) => reason switch
    {
        "length" => "length",
        "content_filter" => "content_filter",
        _ => "stop",
    };
}
