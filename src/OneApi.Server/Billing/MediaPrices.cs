using OneApi.Relay.Abstractions;

namespace OneApi.Server.Billing;

/// <summary>
/// one-api's image and audio pricing (LB <c>relay/billing/ratio/image.go</c>, <c>relay/controller/{image,audio}.go</c>):
/// images cost a per-picture ratio scaled by size and quality, speech a ratio per input character, transcription a
/// ratio per token of audio (by duration) or of returned text.
/// </summary>
public static class MediaPrices
{
    public const int MaxSpeechInputChars = 4096;

    /// <summary>Price multiplier per size; a model in this table accepts only these sizes.</summary>
    private static readonly Dictionary<string, Dictionary<string, double>> ImageSizeRatios = new()
    {
        ["dall-e-2"] = new() { ["256x256"] = 1, ["512x512"] = 1.125, ["1024x1024"] = 1.25 },
        ["dall-e-3"] = new() { ["1024x1024"] = 1, ["1024x1792"] = 2, ["1792x1024"] = 2 },
    };

    private static readonly Dictionary<string, (int Min, int Max)> ImageGenerationAmounts = new()
    {
        ["dall-e-2"] = (1, 10),
        ["dall-e-3"] = (1, 1), // OpenAI: "For dall-e-3, only n=1 is supported."
    };

    private static readonly Dictionary<string, int> ImagePromptLengthLimits = new()
    {
        ["dall-e-2"] = 1000,
        ["dall-e-3"] = 4000,
    };

    /// <summary>one-api's checks of an image request against its tables; null when it may go upstream. A null prompt is one the endpoint does not take.</summary>
    public static RelayError? ValidateImage(string model, string size, int n, string? prompt)
    {
        if (prompt is { Length: 0 })
        {
            return RelayError.InvalidRequest("prompt is required", "invalid_image_request");
        }
        if (ImageSizeRatios.TryGetValue(model, out var sizes) && !sizes.ContainsKey(size))
        {
            return RelayError.InvalidRequest("size not supported for this image model", "size_not_supported");
        }
        if (ImagePromptLengthLimits.TryGetValue(model, out var limit) && prompt?.Length > limit)
        {
            return RelayError.InvalidRequest("prompt is too long", "prompt_too_long");
        }
        if (ImageGenerationAmounts.TryGetValue(model, out var amounts) ? n < amounts.Min || n > amounts.Max : n < 1)
        {
            return RelayError.InvalidRequest("invalid value of n", "n_not_within_range");
        }
        return null;
    }

    /// <summary>The size multiplier, doubled for a dall-e-3 HD square and × 1.5 for other HD sizes; 1 for models not in the table.</summary>
    public static double ImageCostRatio(string model, string size, string? quality)
    {
        var ratio = ImageSizeRatios.TryGetValue(model, out var sizes) && sizes.TryGetValue(size, out var sized) ? sized : 1;
        if (model == "dall-e-3" && quality == "hd")
        {
            ratio *= size == "1024x1024" ? 2 : 1.5;
        }
        return ratio;
    }

    /// <summary>
    /// int(modelRatio × groupRatio × imageCostRatio × 1000) × n, as one-api's <c>RelayImageHelper</c> computes it
    /// (truncated after the × 1000, so dall-e-2 at 512x512 is 11 250 a picture, not 11 000).
    /// </summary>
    public static long ImageQuota(PriceQuote price, double imageCostRatio, int n) =>
        (long)(price.Ratio * imageCostRatio * 1000) * n;

    /// <summary>int(characters × ratio), truncated as one-api's <c>RelayAudioHelper</c> does.</summary>
    public static long SpeechQuota(PriceQuote price, int inputChars) => (long)(inputChars * price.Ratio);

    /// <summary>
    /// Audio tokens per second of input (Laisky's AudioPromptTokensPerSecond): whisper-1 costs $0.006 a minute,
    /// which at ratio 15 ($0.03 per 1K tokens) is 1000 × 0.0001 / 0.03 ≈ 3.333 tokens a second; other models 10.
    /// </summary>
    public static double AudioTokensPerSecond(string model) => model == "whisper-1" ? 1000 * 0.0001 / 0.03 : 10;

    /// <summary>ceil(tokens × ratio), tokens being the audio's seconds × tokens per second, or the returned text's tokens.</summary>
    public static long TranscriptionQuota(PriceQuote price, double tokens) => (long)Math.Ceiling(tokens * price.Ratio);
}
