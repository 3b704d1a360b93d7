using OneApi.Server.Options;

namespace OneApi.Server.Billing;

/// <summary>The ratios one request is billed at, and one-api's formulas over them.</summary>
public sealed record PriceQuote(double ModelRatio, double CompletionRatio, double GroupRatio)
{
    public double Ratio => ModelRatio * GroupRatio;

    /// <summary>
    /// Looks the model up as one-api does: "model(channelType)" then "model", in the ModelRatio option, then the
    /// built-in table. The group ratio is the lowest among the channel's groups (Laisky's rule).
    /// </summary>
    public static PriceQuote For(RuntimeOptions options, string model, int channelType, IReadOnlyList<string> channelGroups)
    {
        var typed = $"{model}({channelType})";
        var modelRatio = Lookup(options.ModelRatios, DefaultPrices.ModelRatios, typed, model) ?? DefaultPrices.UnknownModelRatio;
        var bareModel = model.StartsWith("openai/", StringComparison.Ordinal) ? model["openai/".Length..] : model;
        var completionRatio = Lookup(options.CompletionRatios, DefaultPrices.CompletionRatios, typed, bareModel)
            ?? DefaultPrices.CompletionRatioByFamily(bareModel);
        var groupRatio = channelGroups.Count == 0
            ? GroupRatioOf(options, "default")
            : channelGroups.Min(g => GroupRatioOf(options, g));
        return new PriceQuote(modelRatio, completionRatio, groupRatio);
    }

    /// <summary>
    /// What to reserve before the call: the worst case the client allowed, (PreConsumedQuota + prompt + completion ×
    /// completionRatio) × ratio, where completion is max_tokens × n (or the configured default). one-api leaves out the
    /// completion ratio, which lets an answer cost several times its reservation.
    /// </summary>
    public long PreConsumption(long preConsumedQuota, long promptTokens, long completionTokens) =>
        (long)Math.Ceiling((preConsumedQuota + promptTokens + completionTokens * CompletionRatio) * Ratio);

    /// <summary>one-api's charge for tokens: ceil((prompt + completion × completionRatio) × ratio), at least 1 when anything was used.</summary>
    public long QuotaFor(int promptTokens, int completionTokens)
    {
        if (promptTokens + completionTokens == 0)
        {
            return 0;
        }
        var quota = (long)Math.Ceiling((promptTokens + completionTokens * CompletionRatio) * Ratio);
        return Ratio != 0 && quota <= 0 ? 1 : quota;
    }

    private static double GroupRatioOf(RuntimeOptions options, string group) =>
        options.GroupRatios.TryGetValue(group, out var ratio) ? ratio : 1;

    private static double? Lookup(IReadOnlyDictionary<string, double> configured, IReadOnlyDictionary<string, double> builtIn, string typed, string model)
    {
        foreach (var key in (ReadOnlySpan<string>)[typed, model])
        {
            if (configured.TryGetValue(key, out var ratio) || builtIn.TryGetValue(key, out ratio))
            {
                return ratio;
            }
        }
        return null;
    }
}
