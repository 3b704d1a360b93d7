using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.DashScope;

/// <summary>
/// OpenAI requests → DashScope's native bodies (https://help.aliyun.com/zh/model-studio/developer-reference/use-qwen-by-calling-api):
/// <c>{model, input, parameters}</c>. Chat asks for <c>result_format: "message"</c>, so answers and tool calls come back in
/// OpenAI's message shape; a model named <c>…-internet</c> is the model with <c>enable_search</c>, as in one-api.
/// </summary>
public static class ToDashScopeRequest
{
    private const string InternetSuffix = "-internet";

    /// <summary>DashScope refuses a top_p of 1; one-api caps it just below.</summary>
    private const double MaxTopP = 0.9999;

    private static readonly (string, string)[] Settings =
    [
        ("temperature", "temperature"), ("top_k", "top_k"), ("seed", "seed"), ("stop", "stop"), ("presence_penalty", "presence_penalty"),
        ("repetition_penalty", "repetition_penalty"), ("tools", "tools"), ("tool_choice", "tool_choice"), ("parallel_tool_calls", "parallel_tool_calls"),
    ];

    public static JsonObject Chat(RelayRequest request)
    {
        var source = request.Body;
        var model = request.Model;
        var parameters = new JsonObject { ["result_format"] = "message" };
        if (model.EndsWith(InternetSuffix, StringComparison.Ordinal))
        {
            model = model[..^InternetSuffix.Length];
            parameters["enable_search"] = true;
        }
        if (request.IsStream)
        {
            parameters["incremental_output"] = true;
        }
        OpenAIMessages.CopySettings(source, parameters, Settings);
        if (source["top_p"] is JsonValue topP && topP.TryGetValue(out double p))
        {
            parameters["top_p"] = Math.Min(p, MaxTopP);
        }
        if (request.MaxTokens is { } limit)
        {
            parameters["max_tokens"] = limit;
        }
        var messages = (source["messages"] as JsonArray ?? []).OfType<JsonObject>().Select(m => (JsonNode?)Message(m)).ToArray();
        return new JsonObject { ["model"] = model, ["input"] = new JsonObject { ["messages"] = new JsonArray(messages) }, ["parameters"] = parameters };
    }

    public static JsonObject Embeddings(RelayRequest request) => new()
    {
        ["model"] = request.Model,
        ["input"] = new JsonObject { ["texts"] = OpenAIMessages.InputTexts(request.Body["input"]) },
    };

    /// <summary>OpenAI's <c>images/generations</c> as a wanx job: sizes as <c>1024*1024</c>.</summary>
    public static JsonObject Image(JsonObject request, string model)
    {
        var parameters = new JsonObject { ["n"] = JsonWire.Int(request["n"]) is > 0 and var n ? n : 1 };
        if (JsonWire.String(request["size"]) is { Length: > 0 } size)
        {
            parameters["size"] = size.Replace('x', '*');
        }
        if (JsonWire.String(request["style"]) is { Length: > 0 } style)
        {
            parameters["style"] = style;
        }
        return new JsonObject
        {
            ["model"] = model,
            ["input"] = new JsonObject { ["prompt"] = JsonWire.String(request["prompt"]) ?? "" },
            ["parameters"] = parameters,
        };
    }

    /// <summary>A turn as text with its role in lower case (OpenAI's <c>developer</c> is DashScope's <c>system</c>); tool calls and tool results keep their ids, which DashScope takes as OpenAI does.</summary>
    private static JsonObject Message(JsonObject message)
    {
        var converted = new JsonObject
        {
            ["role"] = (JsonWire.String(message["role"]) ?? "user").ToLowerInvariant() is var role && role == "developer" ? "system" : role,
            ["content"] = OpenAIMessages.TextOf(message["content"]),
        };
        foreach (var name in (string[])["tool_calls", "tool_call_id", "name"])
        {
            if (message[name] is { } value)
            {
                converted[name] = value.DeepClone();
            }
        }
        return converted;
    }
}
