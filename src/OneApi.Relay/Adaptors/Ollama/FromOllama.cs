using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Ollama;

/// <summary>
/// Ollama's answers → OpenAI's. A chat answer is <c>{message, done, done_reason, prompt_eval_count, eval_count}</c>;
/// a stream is one such object per line, the last with <c>done: true</c> and the counts, which are the usage billed
/// (as one-api does). Errors are <c>{"error": "…"}</c>, as a whole answer or as a line of a stream.
/// </summary>
public static class FromOllama
{
    public static UpstreamAnswer Answer(ReadOnlySpan<byte> body, RelayRequest request, long created)
    {
        if (JsonWire.Parse(body) is not { } answer)
        {
            return new UpstreamAnswer(body.ToArray(), null, "", RelayError.UpstreamMalformed("the answer is not a JSON object"));
        }
        if (Error(500, answer) is { } error)
        {
            return new UpstreamAnswer(body.ToArray(), null, "", error);
        }
        var (message, text, calls) = Message(answer["message"] as JsonObject, ReasoningFormat.For(request), streamed: false);
        var usage = UsageOf(answer);
        var openAI = OpenAIShapes.Completion("chatcmpl-" + Guid.NewGuid().ToString("N"), created, request.Model, message,
            FinishReason(answer, calls), usage);
        return new UpstreamAnswer(JsonWire.Serialize(openAI), usage, text);
    }

    public static async IAsyncEnumerable<StreamFrame> StreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> lines, RelayRequest request, long created,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunks = new OpenAIStreamChunks(request, created);
        var format = ReasoningFormat.For(request);
        var called = false;
        await foreach (var line in lines.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (JsonWire.Parse(line.Span) is not { } evt)
            {
                continue;
            }
            if (Error(500, evt) is { } error)
            {
                yield return new StreamFrame(default, Error: error);
                yield break;
            }
            var (delta, text, calls) = Message(evt["message"] as JsonObject, format, streamed: true);
            called |= calls;
            var done = JsonWire.Bool(evt["done"]) == true;
            foreach (var frame in chunks.Delta(delta, text, done ? FinishReason(evt, called) : null, done ? UsageOf(evt) : null))
            {
                yield return frame;
            }
        }
    }

    /// <summary><c>/api/embed</c>'s <c>{embeddings: [[…]], prompt_eval_count}</c> → OpenAI's list, billed by the count Ollama gives.</summary>
    public static UpstreamAnswer Embeddings(ReadOnlySpan<byte> body, RelayRequest request)
    {
        if (JsonWire.Parse(body) is not { } answer || answer["embeddings"] is not JsonArray embeddings)
        {
            return new UpstreamAnswer(body.ToArray(), null, "", RelayError.UpstreamMalformed("the answer has no embeddings"));
        }
        var usage = JsonWire.Int(answer["prompt_eval_count"]) is { } prompt ? Usage.Of(prompt, 0) : null;
        return new UpstreamAnswer(JsonWire.Serialize(OpenAIShapes.Embeddings(request.Model, embeddings, usage)), usage, "");
    }

    /// <summary>Ollama's <c>{"error": "model \"x\" not found, try pulling it first"}</c> with the status it came with.</summary>
    public static RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) =>
        (JsonWire.Parse(body) is { } answer ? Error(statusCode, answer) : null)
        ?? new RelayError(RelayErrorKind.UpstreamStatus, statusCode, $"Ollama answered {statusCode}", "ollama_error", "ollama_error");

    private static RelayError? Error(int statusCode, JsonObject answer) => JsonWire.String(answer["error"]) is { } message
        ? new RelayError(RelayErrorKind.UpstreamStatus, statusCode, message, "ollama_error", "ollama_error")
        : null;

    private static (JsonObject Message, string Text, bool Calls) Message(JsonObject? source, ReasoningFormat format, bool streamed)
    {
        var content = JsonWire.String(source?["content"]) ?? "";
        var message = streamed ? new JsonObject() : new JsonObject { ["role"] = "assistant" };
        if (content.Length > 0 || !streamed)
        {
            message["content"] = content;
        }
        var thinking = JsonWire.String(source?["thinking"]) ?? "";
        if (thinking.Length > 0)
        {
            message[format.Field] = thinking;
        }
        var calls = source?["tool_calls"] as JsonArray ?? [];
        if (calls.Count > 0)
        {
            message["tool_calls"] = new JsonArray(calls.OfType<JsonObject>().Select((c, i) => (JsonNode?)ToolCall(c, i, streamed)).ToArray());
        }
        return (message, thinking + content, calls.Count > 0);
    }

    /// <summary>Ollama names no call ids; OpenAI clients need one to answer the call with.</summary>
    private static JsonObject ToolCall(JsonObject call, int index, bool streamed)
    {
        var function = call["function"] as JsonObject;
        var converted = OpenAIShapes.ToolCall("call_" + Guid.NewGuid().ToString("N")[..24], JsonWire.String(function?["name"]) ?? "",
            function?["arguments"] is { } arguments ? JsonWire.Text(arguments) : "{}");
        if (streamed)
        {
            converted.Insert(0, "index", index);
        }
        return converted;
    }

    private static string FinishReason(JsonObject answer, bool calledTools) => JsonWire.String(answer["done_reason"]) switch
    {
        "length" => "length",
        _ when calledTools => "tool_calls",
        _ => "stop",
    };

    /// <summary>The counts of the last object; Ollama leaves out <c>prompt_eval_count</c> when the prompt was cached.</summary>
    private static Usage? UsageOf(JsonObject answer)
    {
        var prompt = JsonWire.Int(answer["prompt_eval_count"]);
        var completion = JsonWire.Int(answer["eval_count"]);
        return prompt is null && completion is null ? null : Usage.Of(prompt ?? 0, completion ?? 0);
    }
}
