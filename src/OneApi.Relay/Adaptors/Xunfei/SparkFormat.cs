using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;
using OneApi.Relay.Streaming;

namespace OneApi.Relay.Adaptors.Xunfei;

/// <summary>
/// Xunfei Spark's chat frames (https://www.xfyun.cn/doc/spark/Web.html). The request frame holds the messages and
/// the sampling settings (the host adds <c>app_id</c> and <c>domain</c>); the answer is a series of frames whose
/// <c>payload.choices.text</c> carry the text, the last one (<c>header.status</c> 2) with
/// <c>payload.usage.text</c>; a frame with a non-zero <c>header.code</c> is an error. A whole answer is the frames
/// joined, as one-api does.
/// </summary>
public sealed class SparkFormat(TimeProvider? time = null) : IWireFormat
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.Spark;

    public bool Claims(string model) => true;

    public bool Supports(RelayMode mode) => mode == RelayMode.ChatCompletions;

    public ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new UpstreamPayload(Kind, request.Mode, request.Model, request.IsStream) { Json = ToSparkRequest(request) });

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var upstream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var text = new StringBuilder();
        var toolCalls = new JsonArray();
        await foreach (var line in NdjsonReader.LinesAsync(upstream, cancellationToken).ConfigureAwait(false))
        {
            var frame = SparkFrame.Read(line.Span);
            if (frame.Error is { } error)
            {
                return new UpstreamAnswer(default, null, "", error);
            }
            text.Append(frame.Text);
            if (frame.ToolCall is { } call)
            {
                toolCalls.Add(call);
            }
            if (frame.IsLast)
            {
                var message = new JsonObject { ["role"] = "assistant", ["content"] = text.ToString() };
                if (toolCalls.Count > 0)
                {
                    message["tool_calls"] = toolCalls;
                }
                var answer = OpenAIShapes.Completion("chatcmpl-" + frame.Sid, _time.GetUtcNow().ToUnixTimeSeconds(), request.Model, message,
                    toolCalls.Count > 0 ? "tool_calls" : "stop", frame.Usage);
                return new UpstreamAnswer(JsonWire.Serialize(answer), frame.Usage, text.ToString());
            }
        }
        return new UpstreamAnswer(default, null, text.ToString(), RelayError.UpstreamMalformed("Xunfei's answer ended before its last frame"));
    }

    public async IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunks = new OpenAIStreamChunks(request, _time.GetUtcNow().ToUnixTimeSeconds());
        await foreach (var line in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var frame = SparkFrame.Read(line.Span);
            if (frame.Error is { } error)
            {
                yield return new StreamFrame(default, Error: error);
                yield break;
            }
            chunks.Id = "chatcmpl-" + frame.Sid;
            var delta = new JsonObject { ["content"] = frame.Text };
            if (frame.ToolCall is { } call)
            {
                call.Insert(0, "index", 0);
                delta["tool_calls"] = new JsonArray(call);
            }
            var finish = frame.IsLast ? frame.ToolCall is null ? "stop" : "tool_calls" : null;
            foreach (var chunk in chunks.Delta(delta, frame.Text, finish, frame.IsLast ? frame.Usage : null))
            {
                yield return chunk;
            }
            if (frame.IsLast)
            {
                yield break;
            }
        }
    }

    /// <summary>A refused handshake (Xunfei answers 401 or 403 with <c>{"message": …}</c> to a bad signature).</summary>
    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) =>
        SparkFrame.ErrorOf(statusCode, JsonWire.String(JsonWire.Parse(body)?["message"]) ?? $"Xunfei refused the connection ({statusCode})");

    private static JsonObject ToSparkRequest(RelayRequest request)
    {
        var source = request.Body;
        var chat = new JsonObject();
        if (source["temperature"] is { } temperature)
        {
            chat["temperature"] = temperature.DeepClone();
        }
        if (source["top_k"] is { } topK)
        {
            chat["top_k"] = topK.DeepClone();
        }
        if (request.MaxTokens is { } limit)
        {
            chat["max_tokens"] = limit;
        }
        var texts = new JsonArray(OpenAIMessages.Turns(source).Select(t => (JsonNode)new JsonObject { ["role"] = t.Role, ["content"] = t.Text }).ToArray());
        var payload = new JsonObject { ["message"] = new JsonObject { ["text"] = texts } };
        if (source["tools"] is JsonArray tools && tools.Count > 0)
        {
            var functions = tools.OfType<JsonObject>().Select(t => t["function"]?.DeepClone()).Where(f => f is not null);
            payload["functions"] = new JsonObject { ["text"] = new JsonArray([.. functions]) };
        }
        return new JsonObject { ["parameter"] = new JsonObject { ["chat"] = chat }, ["payload"] = payload };
    }
}

/// <summary>What one Spark answer frame says.</summary>
internal sealed record SparkFrame(string Sid, string Text, JsonObject? ToolCall, bool IsLast, Usage? Usage, RelayError? Error)
{
    public static SparkFrame Read(ReadOnlySpan<byte> line)
    {
        if (JsonWire.Parse(line) is not { } frame || frame["header"] is not JsonObject header)
        {
            return new("", "", null, false, null, RelayError.UpstreamMalformed("Xunfei sent a frame that is not its JSON"));
        }
        var sid = JsonWire.String(header["sid"]) ?? "";
        if (JsonWire.Int(header["code"]) is { } code and not 0)
        {
            return new(sid, "", null, true, null, ErrorOf(StatusOf(code), $"{JsonWire.String(header["message"])} (code {code}, sid {sid})"));
        }
        var choice = (frame["payload"]?["choices"]?["text"] as JsonArray)?.FirstOrDefault() as JsonObject;
        var toolCall = choice?["function_call"] is JsonObject call
            ? OpenAIShapes.ToolCall("call_" + Guid.NewGuid().ToString("N"), JsonWire.String(call["name"]) ?? "", JsonWire.String(call["arguments"]) ?? "{}")
            : null;
        var usage = frame["payload"]?["usage"]?["text"] is JsonObject counts
            ? Usage.Of(JsonWire.Int(counts["prompt_tokens"]) ?? 0, JsonWire.Int(counts["completion_tokens"]) ?? 0)
            : null;
        return new(sid, JsonWire.String(choice?["content"]) ?? "", toolCall, JsonWire.Int(header["status"]) == 2, usage, null);
    }

    public static RelayError ErrorOf(int statusCode, string message) =>
        new(RelayErrorKind.UpstreamStatus, statusCode, message, "xunfei_error", "xunfei_error");

    /// <summary>
    /// Xunfei's error codes (https://www.xfyun.cn/doc/spark/Web.html#_6-错误码) as HTTP statuses: licence and
    /// app-id errors are the key's fault, the 1120x limits are rate limits, request and content-review errors the
    /// client's; anything else is the upstream's.
    /// </summary>
    private static int StatusOf(int code) => code switch
    {
        11200 or 10313 => 403,
        11201 or 11202 or 11203 => 429,
        10013 or 10014 or 10019 or 10160 or 10161 or 10163 or 10907 => 400,
        _ => 500,
    };
}
