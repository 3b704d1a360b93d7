using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.DashScope;

/// <summary>DashScope's answers, stream events, embeddings and image tasks in OpenAI's shapes.</summary>
public static class FromDashScope
{
    /// <summary><c>{"output":{"choices":[{"message","finish_reason"}]},"usage":{"input_tokens","output_tokens"},"request_id"}</c> → <c>chat.completion</c>.</summary>
    public static UpstreamAnswer Completion(JsonObject answer, byte[] body, string model, long created)
    {
        if (FirstChoice(answer)?["message"] is not JsonObject message)
        {
            return new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("the answer has no choices"));
        }
        var usage = UsageOf(answer);
        var text = JsonWire.String(message["content"]) ?? "";
        var openAI = OpenAIShapes.Completion(IdOf(answer), created, model, (JsonObject)message.DeepClone(),
            FinishReason(FirstChoice(answer)) ?? "stop", usage);
        return new UpstreamAnswer(JsonWire.Serialize(openAI), usage, text + ToolCallText(message));
    }

    /// <summary>One incremental event: its message is the delta; the event that finishes carries the usage.</summary>
    public static IEnumerable<StreamFrame> StreamEvent(JsonObject evt, OpenAIStreamChunks chunks)
    {
        chunks.Id = IdOf(evt);
        var choice = FirstChoice(evt);
        var delta = choice?["message"]?.DeepClone() as JsonObject ?? [];
        delta.Remove("role");
        // DashScope repeats each tool call with an empty id after its first piece; OpenAI sends the id once.
        foreach (var call in (delta["tool_calls"] as JsonArray ?? []).OfType<JsonObject>().Where(c => JsonWire.String(c["id"]) == ""))
        {
            call.Remove("id");
        }
        var finish = FinishReason(choice);
        return chunks.Delta(delta, (JsonWire.String(delta["content"]) ?? "") + ToolCallText(delta), finish, finish is null ? null : UsageOf(evt));
    }

    /// <summary><c>{"output":{"embeddings":[{"text_index","embedding"}]},"usage":{"total_tokens"}}</c> → OpenAI's list.</summary>
    public static UpstreamAnswer Embeddings(JsonObject answer, byte[] body, string model)
    {
        if (answer["output"]?["embeddings"] is not JsonArray embeddings)
        {
            return new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("the answer has no embeddings"));
        }
        var usage = Usage.Of(JsonWire.Int(answer["usage"]?["total_tokens"]) ?? 0, 0);
        var vectors = embeddings.OfType<JsonObject>().OrderBy(e => JsonWire.Int(e["text_index"]) ?? 0).Select(e => e["embedding"]);
        return new UpstreamAnswer(JsonWire.Serialize(OpenAIShapes.Embeddings(model, vectors, usage)), usage, "");
    }

    /// <summary>
    /// A wanx task (https://help.aliyun.com/zh/model-studio/developer-reference/api-reference-for-wanx): still
    /// <c>PENDING</c>/<c>RUNNING</c> → pending; <c>SUCCEEDED</c> → OpenAI's image list of URLs (of base64 when DashScope
    /// gave the picture itself); anything else → the task's error.
    /// </summary>
    public static UpstreamAnswer ImageTask(JsonObject answer, byte[] body, TimeProvider time, TimeSpan pollInterval)
    {
        if (DashScopeErrors.Of(answer, 500) is { } refused)
        {
            return new UpstreamAnswer(body, null, "", refused);
        }
        var output = answer["output"] as JsonObject;
        switch (JsonWire.String(output?["task_status"]))
        {
            case "PENDING" or "RUNNING" when JsonWire.String(output!["task_id"]) is { Length: > 0 } taskId:
                return new UpstreamAnswer(body, null, "") { Pending = new UpstreamTask(taskId, pollInterval) };
            case "SUCCEEDED":
                var data = (output!["results"] as JsonArray ?? []).OfType<JsonObject>().Select(Picture).OfType<JsonObject>().ToArray();
                var openAI = new JsonObject { ["created"] = time.GetUtcNow().ToUnixTimeSeconds(), ["data"] = new JsonArray(data) };
                return new UpstreamAnswer(JsonWire.Serialize(openAI), null, "");
            case { } status:
                var error = DashScopeErrors.Of(output, 500) ?? new RelayError(RelayErrorKind.UpstreamStatus, 500, $"the image task ended {status}", DashScopeErrors.Type);
                return new UpstreamAnswer(body, null, "", error);
            default:
                return new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("the answer has no task status"));
        }
    }

    private static JsonObject? Picture(JsonObject result) => result switch
    {
        _ when JsonWire.String(result["b64_image"]) is { Length: > 0 } b64 => new JsonObject { ["b64_json"] = b64 },
        _ when JsonWire.String(result["url"]) is { Length: > 0 } url => new JsonObject { ["url"] = url },
        _ => null, // a picture that failed (it has a code and message instead); the others are still delivered
    };

    private static JsonObject? FirstChoice(JsonObject answer) => (answer["output"]?["choices"] as JsonArray)?.FirstOrDefault() as JsonObject;

    private static string IdOf(JsonObject answer) => "chatcmpl-" + (JsonWire.String(answer["request_id"]) ?? Guid.NewGuid().ToString("N"));

    /// <summary>DashScope writes <c>"null"</c> (a string) on every event but the last.</summary>
    private static string? FinishReason(JsonObject? choice) => JsonWire.String(choice?["finish_reason"]) is { } reason && reason != "null" ? reason : null;

    private static Usage? UsageOf(JsonObject answer) =>
        answer["usage"] is JsonObject usage && JsonWire.Int(usage["input_tokens"]) is { } input
            ? Usage.Of(input, JsonWire.Int(usage["output_tokens"]) ?? 0)
            : null;

    /// <summary>Tool calls' names and arguments, counted as generated text when no usage comes.</summary>
    private static string ToolCallText(JsonObject message) =>
        message["tool_calls"] is JsonArray calls
            ? string.Concat(calls.OfType<JsonObject>().Select(c => JsonWire.String(c["function"]?["name"]) + JsonWire.String(c["function"]?["arguments"])))
            : "";
}
