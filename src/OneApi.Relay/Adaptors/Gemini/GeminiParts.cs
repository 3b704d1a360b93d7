using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Gemini;

/// <summary>What one candidate's parts hold, in OpenAI's terms: answer text, thoughts, and function calls as tool calls.</summary>
internal sealed record GeminiParts(string Text, string Reasoning, JsonArray ToolCalls)
{
    public static GeminiParts Read(JsonObject? candidate)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var toolCalls = new JsonArray();
        foreach (var part in ((candidate?["content"] as JsonObject)?["parts"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (part["functionCall"] is JsonObject call)
            {
                toolCalls.Add(new JsonObject
                {
                    // Newer models number their calls; otherwise the id only has to be unique within the answer.
                    ["id"] = JsonWire.String(call["id"]) ?? "call_" + Guid.NewGuid().ToString("N"),
                    ["type"] = "function",
                    ["function"] = new JsonObject
                    {
                        ["name"] = JsonWire.String(call["name"]) ?? "",
                        ["arguments"] = (call["args"] ?? new JsonObject()).ToJsonString(),
                    },
                });
            }
            else if (JsonWire.String(part["text"]) is { } piece)
            {
                (JsonWire.Bool(part["thought"]) == true ? reasoning : text).Append(piece);
            }
        }
        return new GeminiParts(text.ToString(), reasoning.ToString(), toolCalls);
    }

    /// <summary>Everything generated (text, thoughts, calls' names and arguments), counted when no usage comes.</summary>
    public string Generated => string.Concat(ToolCalls.OfType<JsonObject>().Select(c => c["function"] as JsonObject)
        .SelectMany(f => (IEnumerable<string?>)[JsonWire.String(f?["name"]), JsonWire.String(f?["arguments"])]).Prepend(Reasoning).Prepend(Text));

    /// <summary>
    /// Gemini's finish reasons (https://ai.google.dev/api/generate-content#FinishReason) as OpenAI's. Gemini says STOP
    /// after a function call; OpenAI clients wait for <c>tool_calls</c> to run the tools.
    /// </summary>
    public static string FinishReason(string? reason, bool calledTools) => reason switch
    {
        _ when calledTools => "tool_calls",
        "MAX_TOKENS" => "length",
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" => "content_filter",
        _ => "stop",
    };
}

/// <summary>Gemini's <c>usageMetadata</c>: thoughts are billed as output (https://ai.google.dev/gemini-api/docs/pricing).</summary>
internal readonly record struct GeminiUsage(int Prompt, int Candidates, int Thoughts)
{
    public static GeminiUsage? Read(JsonNode? metadata) => metadata is JsonObject usage && JsonWire.Int(usage["promptTokenCount"]) is { } prompt
        ? new GeminiUsage(prompt, JsonWire.Int(usage["candidatesTokenCount"]) ?? 0, JsonWire.Int(usage["thoughtsTokenCount"]) ?? 0)
        : null;

    public Usage ToUsage() => Usage.Of(Prompt, Candidates + Thoughts);

    public JsonObject ToOpenAI()
    {
        var usage = new JsonObject { ["prompt_tokens"] = Prompt, ["completion_tokens"] = Candidates + Thoughts, ["total_tokens"] = Prompt + Candidates + Thoughts };
        if (Thoughts > 0)
        {
            usage["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = Thoughts };
        }
        return usage;
    }
}

/// <summary>Google's error body, <c>{"error":{"code","message","status"}}</c> (https://cloud.google.com/apis/design/errors).</summary>
public static class GoogleErrors
{
    public static RelayError Read(int statusCode, ReadOnlySpan<byte> body)
    {
        var error = JsonWire.Parse(body)?["error"] as JsonObject;
        if (error is null && body.TrimStart(" \r\n"u8).StartsWith("["u8))
        {
            // Without alt=sse, streamGenerateContent wraps even its error in an array.
            error = (System.Text.Json.Nodes.JsonNode.Parse(body.ToArray()) as JsonArray)?.FirstOrDefault()?["error"] as JsonObject;
        }
        return error is null ? OpenAIError.Parse(statusCode, body) : FromError(statusCode, error);
    }

    public static RelayError FromError(int statusCode, JsonObject error)
    {
        var status = JsonWire.Int(error["code"]) is >= 400 and var code ? code : statusCode;
        return new RelayError(RelayErrorKind.UpstreamStatus, status, JsonWire.String(error["message"]) ?? $"bad response status code {status}",
            TypeOf(status), Reason(error) ?? JsonWire.String(error["status"]));
    }

    /// <summary>The <c>ErrorInfo</c> reason (API_KEY_INVALID…), which says more than the status (INVALID_ARGUMENT).</summary>
    private static string? Reason(JsonObject error) =>
        (error["details"] as JsonArray ?? []).OfType<JsonObject>().Select(d => JsonWire.String(d["reason"])).FirstOrDefault(r => r is not null);

    private static string TypeOf(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };
}
