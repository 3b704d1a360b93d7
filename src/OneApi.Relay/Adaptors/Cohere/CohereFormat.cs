using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Cohere;

/// <summary>
/// Cohere's v1 chat (channel type 35). Answers carry <c>text</c>, <c>finish_reason</c> and <c>meta.tokens</c>
/// (billed as input and output tokens); streams are JSON lines of <c>stream-start</c>, <c>text-generation</c> and a
/// <c>stream-end</c> with the whole response; errors are <c>{"message": "…"}</c>. Also Cohere's rerank (<see cref="CohereRerank"/>).
/// </summary>
public sealed class CohereFormat(TimeProvider? time = null) : IWireFormat
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.Cohere;

    public bool Claims(string model) => true;

    public bool Supports(RelayMode mode) => mode is RelayMode.ChatCompletions or RelayMode.Rerank;

    public ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new UpstreamPayload(Kind, request.Mode, request.Model, request.IsStream)
        {
            Json = request.Mode == RelayMode.Rerank ? CohereRerank.ToCohere(request) : ToCohereRequest.Convert(request),
        });

    public int? RerankUnits(JsonObject body) => CohereRerank.SearchUnits(body);

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (request.Mode == RelayMode.Rerank)
        {
            return CohereRerank.FromCohere(body, request);
        }
        if (JsonWire.Parse(body) is not { } answer || JsonWire.String(answer["response_id"]) is not { } id)
        {
            return new UpstreamAnswer(body, null, "", ReadError(502, body));
        }
        var text = JsonWire.String(answer["text"]) ?? "";
        var usage = UsageOf(answer);
        var openAI = OpenAIShapes.Completion("chatcmpl-" + id, _time.GetUtcNow().ToUnixTimeSeconds(), request.Model,
            new JsonObject { ["role"] = "assistant", ["content"] = text }, FinishReason(JsonWire.String(answer["finish_reason"])), usage);
        return new UpstreamAnswer(JsonWire.Serialize(openAI), usage, text);
    }

    public async IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunks = new OpenAIStreamChunks(request, _time.GetUtcNow().ToUnixTimeSeconds());
        await foreach (var line in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var evt = JsonWire.Parse(line.Span);
            IEnumerable<StreamFrame> frames = JsonWire.String(evt?["event_type"]) switch
            {
                "stream-start" when JsonWire.String(evt!["generation_id"]) is { } id => Named(chunks, id),
                "text-generation" when JsonWire.String(evt!["text"]) is { } text => chunks.Delta(new JsonObject { ["content"] = text }, text),
                "stream-end" => chunks.Delta(new JsonObject(), "", FinishReason(JsonWire.String(evt!["finish_reason"])), UsageOf(evt["response"] as JsonObject)),
                _ when JsonWire.String(evt?["message"]) is { } message => [new StreamFrame(default, Error: Error(500, message))],
                _ => [],
            };
            foreach (var frame in frames)
            {
                yield return frame;
                if (frame.Error is not null)
                {
                    yield break;
                }
            }
        }
    }

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) =>
        Error(statusCode, JsonWire.Parse(body) is { } error ? JsonWire.String(error["message"]) : null);

    private static IEnumerable<StreamFrame> Named(OpenAIStreamChunks chunks, string generationId)
    {
        chunks.Id = "chatcmpl-" + generationId;
        return [];
    }

    private static RelayError Error(int statusCode, string? message) =>
        new(RelayErrorKind.UpstreamStatus, statusCode, message ?? $"Cohere answered {statusCode}", "cohere_error", "cohere_error");

    private static string FinishReason(string? reason) => reason switch
    {
        "MAX_TOKENS" => "length",
        "ERROR_TOXIC" => "content_filter",
        _ => "stop",
    };

    private static Usage? UsageOf(JsonObject? response) =>
        (response?["meta"] as JsonObject)?["tokens"] is JsonObject tokens
            ? Usage.Of(JsonWire.Int(tokens["input_tokens"]) ?? 0, JsonWire.Int(tokens["output_tokens"]) ?? 0)
            : null;
}
