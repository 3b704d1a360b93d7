using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Catalog;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.OpenAI;

/// <summary>Settings that shape requests to OpenAI-compatible providers.</summary>
public sealed record OpenAIRequestOptions
{
    /// <summary><c>OPENROUTER_PROVIDER_SORT</c>: sent as OpenRouter's <c>provider.sort</c> (throughput, price, latency).</summary>
    public string OpenRouterProviderSort { get; init; } = "";

    public static readonly OpenAIRequestOptions Default = new();
}

/// <summary>
/// Per-provider and per-model edits of an OpenAI-format chat request (one-api's <c>ConvertRequest</c> quirks,
/// contract §5.2). They edit a copy, never the request itself, so a retry on another channel starts clean.
/// </summary>
internal static class OpenAIRequestShapers
{
    /// <summary>The body to send when a quirk applies, or null when the client's body goes as it is.</summary>
    public static JsonObject? Shape(RelayRequest request, ChannelQuirks quirks, OpenAIRequestOptions options)
    {
        if (request.Mode != RelayMode.ChatCompletions)
        {
            return null;
        }
        var model = request.Model;
        JsonObject? body = null;
        JsonObject Edit() => body ??= (JsonObject)request.Body.DeepClone();

        if (quirks.HasFlag(ChannelQuirks.OpenRouter))
        {
            // OpenRouter returns reasoning only when asked (https://openrouter.ai/docs/use-cases/reasoning-tokens);
            // one-api always asks, which also gives deepseek-r1 its thinking by default.
            if (request.Body["include_reasoning"] is null && request.Body["reasoning"] is null)
            {
                Edit()["include_reasoning"] = true;
            }
            if (options.OpenRouterProviderSort.Length > 0 && (request.Body["provider"] as JsonObject)?["sort"] is null)
            {
                var provider = Edit()["provider"] as JsonObject ?? new JsonObject();
                provider["sort"] = options.OpenRouterProviderSort;
                body!["provider"] = provider;
            }
        }
        if (quirks.HasFlag(ChannelQuirks.NoReasoningInHistory) && HasReasoningInMessages(request.Body))
        {
            // deepseek-reasoner answers 400 when reasoning_content comes back in the input
            // (https://api-docs.deepseek.com/guides/reasoning_model).
            foreach (var message in (Edit()["messages"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                foreach (var field in ReasoningFormat.Fields)
                {
                    message.Remove(field);
                }
            }
        }
        if (quirks.HasFlag(ChannelQuirks.SamplingInUnitRange))
        {
            // Zhipu answers 400 to temperature or top_p outside [0, 1]; one-api clamps them.
            foreach (var name in (ReadOnlySpan<string>)["temperature", "top_p"])
            {
                if (request.Body[name] is JsonValue value && value.TryGetValue(out double number) && number is < 0 or > 1)
                {
                    Edit()[name] = Math.Clamp(number, 0, 1);
                }
            }
        }
        if (IsReasoningSeries(model))
        {
            ShapeReasoningSeries(Edit(), model);
        }
        if (IsSearchModel(model))
        {
            // The search models refuse sampling parameters (https://platform.openai.com/docs/guides/tools-web-search).
            foreach (var name in (ReadOnlySpan<string>)["temperature", "top_p", "presence_penalty", "frequency_penalty", "n"])
            {
                if (request.Body[name] is not null)
                {
                    Edit().Remove(name);
                }
            }
        }
        return body;
    }

    public static bool IsReasoningSeries(string model) =>
        model.StartsWith("o1", StringComparison.Ordinal) || model.StartsWith("o3", StringComparison.Ordinal) || model.StartsWith("o4", StringComparison.Ordinal);

    public static bool IsSearchModel(string model) =>
        model.StartsWith("gpt-4o-search", StringComparison.Ordinal) || model.StartsWith("gpt-4o-mini-search", StringComparison.Ordinal);

    /// <summary>
    /// o1/o3: only the default temperature, <c>max_completion_tokens</c> instead of <c>max_tokens</c>, and no system
    /// role. one-api dropped max_tokens and every system message; here max_tokens moves to max_completion_tokens,
    /// and system messages become developer messages except on o1-mini and o1-preview, which take neither.
    /// </summary>
    private static void ShapeReasoningSeries(JsonObject body, string model)
    {
        body.Remove("temperature");
        if (body["max_tokens"] is { } maxTokens)
        {
            body.Remove("max_tokens");
            body["max_completion_tokens"] ??= maxTokens;
        }
        if (body["messages"] is not JsonArray messages)
        {
            return;
        }
        var noSystemAtAll = model.StartsWith("o1-mini", StringComparison.Ordinal) || model.StartsWith("o1-preview", StringComparison.Ordinal);
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i] is JsonObject message && JsonWire.String(message["role"]) == "system")
            {
                if (noSystemAtAll)
                {
                    messages.RemoveAt(i);
                }
                else
                {
                    message["role"] = "developer";
                }
            }
        }
    }

    private static bool HasReasoningInMessages(JsonObject body) =>
        (body["messages"] as JsonArray)?.OfType<JsonObject>().Any(m => ReasoningFormat.Fields.Any(f => m[f] is not null)) == true;
}
