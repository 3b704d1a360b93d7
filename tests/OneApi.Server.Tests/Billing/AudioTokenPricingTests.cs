using OneApi.Relay.Abstractions;
using OneApi.Server.Billing;

namespace OneApi.Server.Tests.Billing;

/// <summary>one-api's gpt-4o-audio arithmetic: audio tokens as text-token equivalents, then the usual formula.</summary>
public sealed class AudioTokenPricingTests
{
    private static Usage Audio(int prompt, int promptAudio, int completion, int completionAudio) => new()
    {
        PromptTokens = prompt, CompletionTokens = completion, TotalTokens = prompt + completion,
        PromptAudioTokens = promptAudio, CompletionAudioTokens = completionAudio,
    };

    [Theory]
    // text + ceil(audio × AudioRatio) for the prompt, text + ceil(audio × AudioRatio × 2) for the completion
    [InlineData("gpt-4o-audio-preview", 37, 20, 193, 153, 17 + 320, 40 + 4896)]
    [InlineData("gpt-4o-audio-preview-2024-10-01", 37, 20, 193, 153, 17 + 800, 40 + 12240)]
    [InlineData("gpt-4o-mini-audio-preview", 10, 3, 5, 1, 7 + 200, 4 + 134)] // 3 × 66.67 = 200, 1 × 133.33 → 134
    [InlineData("some-future-audio-model", 10, 10, 0, 0, 160, 0)] // one-api's defaults: 16 and 2
    public void AudioTokens_CountAsTextTokensAtOneApisRatios(string model, int prompt, int promptAudio, int completion, int completionAudio,
        int weightedPrompt, int weightedCompletion)
    {
        var weighted = AudioTokenPricing.Weighted(Audio(prompt, promptAudio, completion, completionAudio), model);

        Assert.Equal(Usage.Of(weightedPrompt, weightedCompletion), weighted);
    }

    [Fact]
    public void QuotaOfAWeightedUsage_AppliesModelCompletionAndGroupRatios()
    {
        var weighted = AudioTokenPricing.Weighted(Audio(37, 20, 193, 153), "gpt-4o-audio-preview");

        // gpt-4o-audio-preview: $2.5/M text (ratio 1.25), gpt-4o's completion ratio 4, group ratio 0.5
        Assert.Equal((long)Math.Ceiling((337 + 4936 * 4) * 1.25 * 0.5), new PriceQuote(1.25, 4, 0.5).QuotaFor(weighted.PromptTokens, weighted.CompletionTokens));
    }

    [Fact]
    public void UsageWithoutAudio_IsUnchanged_AndLogsNothingMore()
    {
        var text = Usage.Of(100, 20);

        Assert.Same(text, AudioTokenPricing.Weighted(text, "gpt-4o-audio-preview"));
        Assert.Equal("", AudioTokenPricing.LogNote(text, "gpt-4o-audio-preview"));
    }
}
