using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using OneApi.Server.Billing;

namespace OneApi.Server.Options;

/// <summary>
/// An immutable snapshot of the <c>options</c> table with one-api's defaults filled in. The relay reads
/// <see cref="OptionStore.Current"/>; a change builds a new snapshot and swaps it in.
/// </summary>
public sealed class RuntimeOptions
{
    public static readonly FrozenDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        ["PasswordLoginEnabled"] = "true", ["PasswordRegisterEnabled"] = "true", ["EmailVerificationEnabled"] = "false",
        ["GitHubOAuthEnabled"] = "false", ["OidcEnabled"] = "false", ["WeChatAuthEnabled"] = "false",
        ["TurnstileCheckEnabled"] = "false", ["RegisterEnabled"] = "true", ["EmailDomainRestrictionEnabled"] = "false",
        ["AutomaticDisableChannelEnabled"] = "false", ["AutomaticEnableChannelEnabled"] = "false",
        ["ChannelDisableThreshold"] = "5", ["RetryTimes"] = "0",
        ["ApproximateTokenEnabled"] = "false", ["LogConsumeEnabled"] = "true",
        ["DisplayInCurrencyEnabled"] = "true", ["DisplayTokenStatEnabled"] = "true",
        ["EmailDomainWhitelist"] = "gmail.com,163.com,126.com,qq.com,outlook.com,hotmail.com,icloud.com,yahoo.com,foxmail.com",
        ["SMTPServer"] = "", ["SMTPPort"] = "587", ["SMTPAccount"] = "", ["SMTPFrom"] = "", ["SMTPToken"] = "",
        ["Notice"] = "", ["About"] = "", ["HomePageContent"] = "", ["Footer"] = "", ["SystemName"] = "One API", ["Logo"] = "",
        ["ServerAddress"] = "http://localhost:3000", ["TopUpLink"] = "", ["ChatLink"] = "", ["Theme"] = "default",
        ["GitHubClientId"] = "", ["GitHubClientSecret"] = "", ["LarkClientId"] = "", ["LarkClientSecret"] = "",
        ["OidcClientId"] = "", ["OidcClientSecret"] = "", ["OidcWellKnown"] = "", ["OidcAuthorizationEndpoint"] = "",
        ["OidcTokenEndpoint"] = "", ["OidcUserinfoEndpoint"] = "",
        ["WeChatServerAddress"] = "", ["WeChatServerToken"] = "", ["WeChatAccountQRCodeImageURL"] = "",
        ["MessagePusherAddress"] = "", ["MessagePusherToken"] = "", ["TurnstileSiteKey"] = "", ["TurnstileSecretKey"] = "",
        ["QuotaForNewUser"] = "0", ["QuotaForInviter"] = "0", ["QuotaForInvitee"] = "0", ["QuotaRemindThreshold"] = "1000",
        ["PreConsumedQuota"] = "500", ["CompletionReserveTokens"] = "1024", ["QuotaPerUnit"] = "500000",
        ["ModelRatio"] = JsonSerializer.Serialize(DefaultPrices.ModelRatios),
        ["CompletionRatio"] = JsonSerializer.Serialize(DefaultPrices.CompletionRatios),
        ["GroupRatio"] = """{"default":1,"vip":1,"svip":1}""",
    }.ToFrozenDictionary();

    private RuntimeOptions(FrozenDictionary<string, string> values)
    {
        Values = values;
        ModelRatios = ParseRatios(Get("ModelRatio"));
        CompletionRatios = ParseRatios(Get("CompletionRatio"));
        GroupRatios = ParseRatios(Get("GroupRatio"));
        PreConsumedQuota = GetLong("PreConsumedQuota", 500);
        CompletionReserveTokens = Math.Max(0, GetLong("CompletionReserveTokens", 1024));
        QuotaPerUnit = GetDouble("QuotaPerUnit", 500000);
        RetryTimes = (int)GetLong("RetryTimes", 0);
        LogConsumeEnabled = GetBool("LogConsumeEnabled");
    }

    public static RuntimeOptions Initial { get; } = From(new Dictionary<string, string>());

    /// <summary>Every option, stored values over defaults.</summary>
    public FrozenDictionary<string, string> Values { get; }

    public FrozenDictionary<string, double> ModelRatios { get; }
    public FrozenDictionary<string, double> CompletionRatios { get; }
    public FrozenDictionary<string, double> GroupRatios { get; }
    public long PreConsumedQuota { get; }

    /// <summary>Output tokens reserved for a request that sets no max_tokens (this gateway's own option).</summary>
    public long CompletionReserveTokens { get; }
    public double QuotaPerUnit { get; }
    public int RetryTimes { get; }
    public bool LogConsumeEnabled { get; }

    public static RuntimeOptions From(IReadOnlyDictionary<string, string> stored)
    {
        var merged = new Dictionary<string, string>(Defaults);
        foreach (var (key, value) in stored)
        {
            merged[key] = value;
        }
        return new RuntimeOptions(merged.ToFrozenDictionary());
    }

    public string Get(string key) => Values.TryGetValue(key, out var value) ? value : "";

    public bool GetBool(string key) => Get(key) == "true";

    public long GetLong(string key, long fallback) =>
        long.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    public double GetDouble(string key, double fallback) =>
        double.TryParse(Get(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    /// <summary>Parses a ratio table (JSON object of numbers); null when the text is not one.</summary>
    public static FrozenDictionary<string, double>? TryParseRatios(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, double>>(json)?.ToFrozenDictionary();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static FrozenDictionary<string, double> ParseRatios(string json) =>
        TryParseRatios(json) ?? FrozenDictionary<string, double>.Empty;
}
