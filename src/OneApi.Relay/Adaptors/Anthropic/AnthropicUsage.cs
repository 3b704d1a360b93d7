using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Anthropic;

/// <summary>
/// Claude's <c>usage</c>: <c>input_tokens</c> counts only uncached input, beside <c>cache_read_input_tokens</c> and
/// <c>cache_creation_input_tokens</c>. OpenAI's <c>prompt_tokens</c> counts all input, cached included, and so does
/// the bill.
/// </summary>
public readonly record struct AnthropicUsage(int InputTokens, int OutputTokens, int CacheReadTokens, int CacheCreationTokens)
{
    public int PromptTokens => InputTokens + CacheReadTokens + CacheCreationTokens;

    public static AnthropicUsage Read(JsonNode? usage) => usage is JsonObject u
        ? new AnthropicUsage(JsonWire.Int(u["input_tokens"]) ?? 0, JsonWire.Int(u["output_tokens"]) ?? 0,
            JsonWire.Int(u["cache_read_input_tokens"]) ?? 0, JsonWire.Int(u["cache_creation_input_tokens"]) ?? 0)
        : default;

    /// <summary>Later numbers win where the later report has them (a <c>message_delta</c> after <c>message_start</c>).</summary>
    public AnthropicUsage Merge(AnthropicUsage later) => new(
        later.InputTokens > 0 ? later.InputTokens : InputTokens,
        later.OutputTokens > 0 ? later.OutputTokens : OutputTokens,
        later.CacheReadTokens > 0 ? later.CacheReadTokens : CacheReadTokens,
        later.CacheCreationTokens > 0 ? later.CacheCreationTokens : CacheCreationTokens);

    public Usage ToUsage() => Usage.Of(PromptTokens, OutputTokens);

    public JsonObject ToOpenAI() => new()
    {
        ["prompt_tokens"] = PromptTokens,
        ["completion_tokens"] = OutputTokens,
        ["total_tokens"] = PromptTokens + OutputTokens,
        ["prompt_tokens_details"] = new JsonObject
        {
            ["cached_tokens"] = CacheReadTokens,
            ["cache_creation_tokens"] = CacheCreationTokens,
        },
    };

    /// <summary>Claude's stop reasons as OpenAI finish reasons; unknown ones pass through.</summary>
    public static string? FinishReason(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" or "stop_sequence" or "pause_turn" => "stop",
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => stopReason,
    };
}
