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

    public static Usage Of(int prompt, int completion) => new() { PromptTokens = prompt, CompletionTokens = completion, TotalTokens = prompt + completion };
}
