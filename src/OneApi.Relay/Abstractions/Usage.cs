using System.Text.Json.Serialization;

namespace OneApi.Relay.Abstractions;

/// <summary>Token usage as OpenAI reports it.</summary>
public sealed record Usage
{
    [JsonPropertyName("prompt_tokens")]
    public int PromptTokens { get; init; }

    [JsonPropertyName("completion_tokens")]
    public int CompletionTokens { get; init; }

    [JsonPropertyName("total_tokens")]
    public int TotalTokens { get; init; }

    /// <summary>The prompt's audio tokens (<c>prompt_tokens_details.audio_tokens</c>), included in <see cref="PromptTokens"/>; priced above text.</summary>
    [JsonIgnore]
    public int PromptAudioTokens { get; init; }

    /// <summary>The completion's audio tokens (<c>completion_tokens_details.audio_tokens</c>), included in <see cref="CompletionTokens"/>.</summary>
    [JsonIgnore]
    public int CompletionAudioTokens { get; init; }

    public static Usage Of(int prompt, int completion) => new() { PromptTokens = prompt, CompletionTokens = completion, TotalTokens = prompt + completion };
}
