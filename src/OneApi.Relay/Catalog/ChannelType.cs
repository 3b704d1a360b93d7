using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Catalog;

/// <summary>
/// One channel type (one-api's <c>channels.type</c>): how the console names and fills it, and how the relay reaches
/// it. A type with no wire format is known (its channels can be stored) but not relayed.
/// </summary>
/// <param name="WireFormats">The formats its upstream speaks; the first serves every model the others do not claim.</param>
/// <param name="KeyFormat">What the channel's key holds, for the console's placeholder.</param>
public sealed record ChannelType(
    int Id,
    string Name,
    string DefaultBaseUrl,
    IReadOnlyList<WireFormatKind> WireFormats,
    HostKind Host,
    string KeyFormat,
    IReadOnlyList<string> DefaultModels,
    BalanceApi Balance = BalanceApi.None,
    ChannelQuirks Quirks = ChannelQuirks.None,
    OpenAIRoutes? Routes = null)
{
    public bool IsRelayed => WireFormats.Count > 0;

    /// <summary>What its channel form asks beyond the common fields.</summary>
    public ChannelForm Form => ChannelForm.Of(Id);

    /// <summary>What the console's key box says the key holds.</summary>
    public string KeyHint => IsRelayed ? KeyFormat : Form.KeyFormat ?? KeyFormat;

    /// <summary>Where the type serves OpenAI's paths under its base URL.</summary>
    public OpenAIRoutes OpenAIRoutes => Routes ?? OpenAIRoutes.Standard;
}

/// <summary>
/// Where a provider serves OpenAI's endpoints under its base URL: <see cref="Root"/> stands for OpenAI's <c>/v1</c>
/// (one-api's per-type <c>GetRequestURL</c>), and a few serve chat at a path of their own.
/// </summary>
public sealed record OpenAIRoutes(string Root, string? ChatPath = null)
{
    public static readonly OpenAIRoutes Standard = new("/v1");

    /// <summary>The base URL already ends in the version path (Novita, OpenAI-compatible, Gemini's OpenAI endpoint).</summary>
    public static readonly OpenAIRoutes InBaseUrl = new("");

    public string PathOf(RelayMode mode) => mode == RelayMode.ChatCompletions && ChatPath is { } chat ? chat : PathOf(mode.Path());

    /// <summary>An OpenAI path (<c>/v1/…</c>) under this provider's root.</summary>
    public string PathOf(string openAIPath) => Root + openAIPath["/v1".Length..];
}

/// <summary>Which vendor billing endpoint tells a channel's remaining credit (one-api's <c>update_balance</c>).</summary>
public enum BalanceApi
{
    None,
    /// <summary>OpenAI's legacy <c>/v1/dashboard/billing/subscription</c> and <c>usage</c>.</summary>
    OpenAIBilling,
    /// <summary><c>/dashboard/billing/credit_grants</c>, <c>total_available</c>.</summary>
    CreditGrants,
    /// <summary><c>/dashboard/billing/credit_grants</c>, <c>total_remaining</c> (API2GPT).</summary>
    CreditGrantsRemaining,
    OpenAISB,
    AIProxy,
    SiliconFlow,
    DeepSeek,
    OpenRouter,
}

/// <summary>Provider habits the OpenAI wire format adjusts to.</summary>
[Flags]
public enum ChannelQuirks
{
    None = 0,
    /// <summary>OpenRouter: reasoning only when asked for, provider sort from <c>OPENROUTER_PROVIDER_SORT</c>.</summary>
    OpenRouter = 2,
    /// <summary>DeepSeek refuses earlier turns' reasoning in the input.</summary>
    NoReasoningInHistory = 4,
    /// <summary>Zhipu takes <c>temperature</c> and <c>top_p</c> only within [0, 1], so they are clamped.</summary>
    SamplingInUnitRange = 8,
}
