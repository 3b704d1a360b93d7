using System.Text.Json;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.OpenAI;

internal static class OpenAIUsage
{
    /// <summary>The <c>usage</c> object of an answer or chunk, when it has a non-null one.</summary>
    public static Usage? Read(JsonElement root)
    {
        if (!root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var prompt = ReadInt(usage, "prompt_tokens");
        var completion = ReadInt(usage, "completion_tokens");
        var total = ReadInt(usage, "total_tokens");
        return new Usage
        {
            PromptTokens = prompt, CompletionTokens = completion, TotalTokens = total == 0 ? prompt + completion : total,
            PromptAudioTokens = AudioTokens(usage, "prompt_tokens_details"), CompletionAudioTokens = AudioTokens(usage, "completion_tokens_details"),
        };
    }

    /// <summary>gpt-4o-audio's audio part of a count (https://platform.openai.com/docs/guides/audio).</summary>
    private static int AudioTokens(JsonElement usage, string details) =>
        usage.TryGetProperty(details, out var detail) && detail.ValueKind == JsonValueKind.Object ? ReadInt(detail, "audio_tokens") : 0;

    private static int ReadInt(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : 0;
}
