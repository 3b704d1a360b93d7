using System.Globalization;
using OneApi.Relay.Abstractions;

namespace OneApi.Server.Billing;

/// <summary>
/// one-api's gpt-4o-audio billing (LB <c>relay/adaptor/openai/main.go</c> <c>calculateAudioTokens</c>): the audio
/// tokens of a usage are turned into text tokens before the usual formula applies. A prompt audio token counts
/// <c>AudioRatio</c> text tokens, a completion audio token <c>AudioRatio × AudioCompletionRatio</c>; the completion
/// ratio then applies to the whole completion, as one-api does. Text tokens are the count minus its audio part
/// (one-api reads <c>text_tokens</c>, which not every answer carries).
/// </summary>
public static class AudioTokenPricing
{
    /// <summary>The usage in text-token equivalents; itself when it has no audio.</summary>
    public static Usage Weighted(Usage usage, string model)
    {
        if (usage.PromptAudioTokens <= 0 && usage.CompletionAudioTokens <= 0)
        {
            return usage;
        }
        var audio = AudioRatio(model);
        var prompt = Math.Max(0, usage.PromptTokens - usage.PromptAudioTokens) + (int)Math.Ceiling(usage.PromptAudioTokens * audio);
        var completion = Math.Max(0, usage.CompletionTokens - usage.CompletionAudioTokens)
            + (int)Math.Ceiling(usage.CompletionAudioTokens * audio * DefaultPrices.DefaultAudioCompletionRatio);
        return Usage.Of(prompt, completion);
    }

    /// <summary>What the consume log says of the audio, or "" for a usage without any.</summary>
    public static string LogNote(Usage usage, string model) =>
        usage.PromptAudioTokens <= 0 && usage.CompletionAudioTokens <= 0
            ? ""
            : string.Create(CultureInfo.InvariantCulture,
                $"; audio tokens: prompt {usage.PromptAudioTokens}, completion {usage.CompletionAudioTokens}, audio rate {AudioRatio(model):0.##}, audio completion rate {DefaultPrices.DefaultAudioCompletionRatio:0.##}");

    private static double AudioRatio(string model) =>
        DefaultPrices.AudioRatios.TryGetValue(model, out var ratio) ? ratio : DefaultPrices.DefaultAudioRatio;
}
