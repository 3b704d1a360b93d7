using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.DashScope;

/// <summary>
/// Alibaba DashScope's native API (channel type 17): text generation in the <c>message</c> result format (tool calls
/// included), text embeddings, and wanx images as background tasks. Usage is <c>input_tokens</c>/<c>output_tokens</c>;
/// streams (with <c>incremental_output</c>) are SSE events of the answer's shape, the last with a finish reason
/// other than <c>"null"</c>; errors are <c>{"code","message"}</c>.
/// </summary>
public sealed class DashScopeFormat(TimeProvider? time = null) : IWireFormat, IMediaFormat
{
    /// <summary>How long a wanx job is left between two questions about it, as one-api waits.</summary>
    private static readonly TimeSpan TaskPollInterval = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.DashScope;

    public bool Claims(string model) => true;

    public bool Supports(RelayMode mode) => mode is RelayMode.ChatCompletions or RelayMode.Embeddings or RelayMode.ImagesGenerations;

    public ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken)
    {
        var body = request.Mode == RelayMode.Embeddings ? ToDashScopeRequest.Embeddings(request) : ToDashScopeRequest.Chat(request);
        return ValueTask.FromResult(new UpstreamPayload(Kind, request.Mode, request.Model, request.IsStream) { Json = body });
    }

    public async ValueTask<UpstreamPayload> ToMediaUpstreamAsync(RelayMode mode, string model, HttpContent body, CancellationToken cancellationToken)
    {
        var json = JsonWire.Parse(await body.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)) ??
            throw new RelayErrorException(RelayError.InvalidRequest("the image request is not a JSON object"));
        return new UpstreamPayload(Kind, mode, model, Stream: false) { Json = ToDashScopeRequest.Image(json, model) };
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var answer = JsonWire.Parse(body);
        if (Failure(answer, "the answer") is { } error)
        {
            return new UpstreamAnswer(body, null, "", error);
        }
        return request.Mode == RelayMode.Embeddings
            ? FromDashScope.Embeddings(answer!, body, request.Model)
            : FromDashScope.Completion(answer!, body, request.Model, _time.GetUtcNow().ToUnixTimeSeconds());
    }

    public async Task<UpstreamAnswer?> ReadMediaAnswerAsync(HttpResponseMessage response, RelayMode mode, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return JsonWire.Parse(body) is { } answer
            ? FromDashScope.ImageTask(answer, body, _time, TaskPollInterval)
            : new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("the task answer is not JSON"));
    }

    public async IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunks = new OpenAIStreamChunks(request, _time.GetUtcNow().ToUnixTimeSeconds());
        await foreach (var data in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var evt = JsonWire.Parse(data.Span);
            if (Failure(evt, "a stream event") is { } error)
            {
                yield return new StreamFrame(default, Error: error);
                yield break;
            }
            foreach (var frame in FromDashScope.StreamEvent(evt!, chunks))
            {
                yield return frame;
            }
        }
    }

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => DashScopeErrors.Read(statusCode, body);

    /// <summary>The error a 2xx answer or event carries instead of content: its code, or not being JSON at all.</summary>
    private static RelayError? Failure(JsonObject? answer, string what) =>
        answer is null ? RelayError.UpstreamMalformed(what + " is not JSON") : DashScopeErrors.Of(answer, 500);
}
