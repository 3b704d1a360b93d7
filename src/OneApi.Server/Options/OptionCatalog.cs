using System.Globalization;

namespace OneApi.Server.Options;

/// <summary>
/// What each option key may hold, and which keys are secrets. Every key of one-api's option map is known here;
/// a value is checked before it is stored, so a bad ratio table never reaches the relay.
/// </summary>
public static class OptionCatalog
{
    private static readonly HashSet<string> Integers =
    [
        "RetryTimes", "SMTPPort", "QuotaForNewUser", "QuotaForInviter", "QuotaForInvitee", "QuotaRemindThreshold", "PreConsumedQuota",
        "CompletionReserveTokens",
    ];

    private static readonly HashSet<string> Numbers = ["ChannelDisableThreshold", "QuotaPerUnit"];

    private static readonly HashSet<string> RatioTables = ["ModelRatio", "CompletionRatio", "GroupRatio"];

    private static readonly HashSet<string> Themes = ["default", "berry", "air"];

    public static bool IsKnown(string key) => RuntimeOptions.Defaults.ContainsKey(key);

    /// <summary>one-api hides keys ending in Token or Secret; the Turnstile secret key is hidden as well.</summary>
    public static bool IsSecret(string key) =>
        key.EndsWith("Token", StringComparison.Ordinal) || key.EndsWith("Secret", StringComparison.Ordinal) ||
        key.EndsWith("SecretKey", StringComparison.Ordinal);

    /// <summary>The problem with setting <paramref name="key"/> to <paramref name="value"/> given the other options, or null.</summary>
    public static string? Check(string key, string value, RuntimeOptions current)
    {
        if (!IsKnown(key))
        {
            return $"unknown option {key}";
        }
        if (key.EndsWith("Enabled", StringComparison.Ordinal))
        {
            if (value is not ("true" or "false"))
            {
                return $"{key} must be true or false";
            }
            return value == "true" ? PrerequisiteOf(key, current) : null;
        }
        if (Integers.Contains(key))
        {
            return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? null : $"{key} must be a whole number ≥ 0";
        }
        if (Numbers.Contains(key))
        {
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && double.IsFinite(d) ? null : $"{key} must be a positive number";
        }
        if (RatioTables.Contains(key))
        {
            var table = RuntimeOptions.TryParseRatios(value);
            return table is null || table.Values.Any(r => r < 0 || !double.IsFinite(r)) ? $"{key} must be a JSON object of non-negative numbers" : null;
        }
        if (key == "Theme" && !Themes.Contains(value))
        {
            return "Theme must be one of default, berry, air";
        }
        return null;
    }

    /// <summary>one-api refuses to switch a login method on before it is configured.</summary>
    private static string? PrerequisiteOf(string key, RuntimeOptions o) => key switch
    {
        "GitHubOAuthEnabled" when o.Get("GitHubClientId") == "" || o.Get("GitHubClientSecret") == "" =>
            "set GitHubClientId and GitHubClientSecret before enabling GitHub OAuth",
        "OidcEnabled" when o.Get("OidcClientId") == "" || o.Get("OidcClientSecret") == "" || o.Get("OidcAuthorizationEndpoint") == "" ||
                           o.Get("OidcTokenEndpoint") == "" || o.Get("OidcUserinfoEndpoint") == "" =>
            "set the OIDC client id, secret and endpoints before enabling OIDC",
        "EmailDomainRestrictionEnabled" when o.Get("EmailDomainWhitelist") == "" =>
            "set EmailDomainWhitelist before enabling the email domain restriction",
        "WeChatAuthEnabled" when o.Get("WeChatServerAddress") == "" =>
            "set WeChatServerAddress before enabling WeChat login",
        "TurnstileCheckEnabled" when o.Get("TurnstileSiteKey") == "" =>
            "set TurnstileSiteKey before enabling the Turnstile check",
        _ => null,
    };
}
