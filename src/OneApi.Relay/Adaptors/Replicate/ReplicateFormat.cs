using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Replicate;

/// <summary>
/// Replicate's model inputs and prediction outputs (channel type 46): chat completions from language models (the
/// output is a list of text pieces, usage in <c>metrics</c>; streams are SSE <c>output</c>, <c>error</c> and
/// <c>done</c> events), images from FLUX and the other image models (the output is file URLs), edits from FLUX Fill.
/// Replicate makes one picture per request, so one-api bills one and asks for n = 1; so does this format.
/// </summary>
public sealed class ReplicateFormat(TimeProvider? time = null) : IWireFormat, IMediaFormat
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.Replicate;

    public bool Claims(string model) => true;

    public bool Supports(RelayMode mode) => mode is RelayMode.ChatCompletions or RelayMode.ImagesGenerations or RelayMode.ImagesEdits;

    public ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken) =>
        request.Mode == RelayMode.ChatCompletions
            ? ValueTask.FromResult(new UpstreamPayload(Kind, request.Mode, request.Model, request.IsStream) { Json = ToReplicateInput.Chat(request) })
            : ToMediaUpstreamAsync(request.Mode, request.Model, OpenAIBody.From(request), cancellationToken);

    public async ValueTask<UpstreamPayload> ToMediaUpstreamAsync(RelayMode mode, string model, HttpContent body, CancellationToken cancellationToken)
    {
        JsonObject input;
        string? responseFormat;
        int? n;
        if (mode == RelayMode.ImagesEdits)
        {
            var form = await EditForm.ReadAsync(body, cancellationToken).ConfigureAwait(false);
            (input, responseFormat, n) = (ToReplicateInput.Edit(form), form.Text("response_format"), int.TryParse(form.Text("n"), out var count) ? count : null);
        }
        else
        {
            var request = JsonWire.Parse(await body.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)) ??
                throw new RelayErrorException(RelayError.InvalidRequest("the image request is not a JSON object"));
            (input, responseFormat, n) = (ToReplicateInput.Generation(request), JsonWire.String(request["response_format"]), JsonWire.Int(request["n"]));
        }
        if (n is > 1)
        {
            throw new RelayErrorException(RelayError.InvalidRequest("Replicate makes one picture per request: n must be 1", "n_not_within_range") with { Param = "n" });
        }
        return new UpstreamPayload(Kind, mode, model, Stream: false) { Json = input, InlineFiles = responseFormat == "b64_json" };
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (ReplicatePrediction.Parse(body) is not { } prediction)
        {
            return new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("Replicate's answer is not a prediction"));
        }
        var text = string.Concat(prediction.Output);
        var usage = prediction.Usage;
        var openAI = OpenAIShapes.Completion("chatcmpl-" + prediction.Id, _time.GetUtcNow().ToUnixTimeSeconds(), request.Model,
            new JsonObject { ["role"] = "assistant", ["content"] = text }, "stop", usage);
        return new UpstreamAnswer(JsonWire.Serialize(openAI), usage, text);
    }

    /// <summary>
    /// The events as <see cref="ReplicateHost.ReadEventsAsync"/> gives them, <c>{"event", "data"}</c>: text from
    /// <c>output</c>, the finish once <c>done</c> is followed by the ended <c>prediction</c> (its metrics are the
    /// usage) or by nothing more.
    /// </summary>
    public async IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunks = new OpenAIStreamChunks(request, _time.GetUtcNow().ToUnixTimeSeconds());
        var done = false;
        await foreach (var payload in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var sse = JsonWire.Parse(payload.Span);
            var data = JsonWire.String(sse?["data"]) ?? "";
            switch (JsonWire.String(sse?["event"]))
            {
                case "output":
                    foreach (var frame in chunks.Delta(new JsonObject { ["content"] = data }, data))
                    {
                        yield return frame;
                    }
                    break;
                case "error":
                    yield return new StreamFrame(default, Error: ReplicateErrors.Failed(Field(data, "detail") ?? data));
                    yield break;
                case "done" when Field(data, "reason") is { Length: > 0 } reason:
                    yield return new StreamFrame(default, Error: reason == "canceled" ? ReplicateErrors.Canceled() : ReplicateErrors.Failed(reason));
                    yield break;
                case "done":
                    done = true;
                    break;
                case "prediction" when done:
                    foreach (var frame in Finish(chunks, ReplicatePrediction.Parse(System.Text.Encoding.UTF8.GetBytes(data))?.Usage))
                    {
                        yield return frame;
                    }
                    yield break;
            }
        }
        if (done)
        {
            foreach (var frame in Finish(chunks, null))
            {
                yield return frame;
            }
        }
    }

    private static IEnumerable<StreamFrame> Finish(OpenAIStreamChunks chunks, Usage? usage) => chunks.Delta(new JsonObject(), "", "stop", usage);

    public async Task<UpstreamAnswer?> ReadMediaAnswerAsync(HttpResponseMessage response, RelayMode mode, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (ReplicatePrediction.Parse(body) is not { Output.Count: > 0 } prediction)
        {
            return new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("the prediction has no output"));
        }
        var data = prediction.Output.Select(file => (JsonNode?)(file.StartsWith("data:", StringComparison.Ordinal)
            ? new JsonObject { ["b64_json"] = file[(file.IndexOf(',', StringComparison.Ordinal) + 1)..] }
            : new JsonObject { ["url"] = file }));
        var openAI = new JsonObject { ["created"] = _time.GetUtcNow().ToUnixTimeSeconds(), ["data"] = new JsonArray(data.ToArray()) };
        return new UpstreamAnswer(JsonWire.Serialize(openAI), null, "");
    }

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => ReplicateErrors.Read(statusCode, body);

    /// <summary>A field of an event's JSON data (<c>done</c> carries <c>{}</c>, or <c>{"reason": "canceled"|"error"}</c>).</summary>
    private static string? Field(string json, string name) => JsonWire.String(JsonWire.Parse(System.Text.Encoding.UTF8.GetBytes(json))?[name]);
}
