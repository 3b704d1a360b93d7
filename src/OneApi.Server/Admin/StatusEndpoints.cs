using OneApi.Server.Options;

namespace OneApi.Server.Admin;

public static class StatusEndpoints
{
    public static void MapStatusEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Status");
        api.MapGet("/status", GetStatus);
        api.MapGet("/notice", (OptionStore options) => ApiResponse.Done(options.Current.Get("Notice")));
        api.MapGet("/about", (OptionStore options) => ApiResponse.Done(options.Current.Get("About")));
        api.MapGet("/home_page_content", (OptionStore options) => ApiResponse.Done(options.Current.Get("HomePageContent")));
    }

    /// <summary>The public settings the console reads at start (contract §2.4).</summary>
    private static ApiResponse<StatusView> GetStatus(OptionStore options, StartInfo start)
    {
        var o = options.Current;
        return ApiResponse.Done(new StatusView(
            start.Version,
            start.StartTime,
            o.GetBool("EmailVerificationEnabled"),
            o.GetBool("GitHubOAuthEnabled"),
            o.Get("GitHubClientId"),
            o.Get("LarkClientId"),
            o.Get("SystemName"),
            o.Get("Logo"),
            o.Get("Footer"),
            o.Get("WeChatAccountQRCodeImageURL"),
            o.GetBool("WeChatAuthEnabled"),
            o.Get("ServerAddress"),
            o.GetBool("TurnstileCheckEnabled"),
            o.Get("TurnstileSiteKey"),
            o.Get("TopUpLink"),
            o.Get("ChatLink"),
            o.QuotaPerUnit,
            o.GetBool("DisplayInCurrencyEnabled"),
            o.GetBool("OidcEnabled"),
            o.Get("OidcClientId"),
            o.Get("OidcWellKnown"),
            o.Get("OidcAuthorizationEndpoint"),
            o.Get("OidcTokenEndpoint"),
            o.Get("OidcUserinfoEndpoint")));
    }
}

/// <summary>The version and start time shown by <c>/api/status</c>.</summary>
public sealed record StartInfo(string Version, long StartTime);

/// <summary>The public settings of <c>/api/status</c>, in one-api's order.</summary>
public sealed record StatusView(
    string Version, long StartTime, bool EmailVerification, bool GithubOauth, string GithubClientId,
    string LarkClientId, string SystemName, string Logo, string FooterHtml, string WechatQrcode, bool WechatLogin,
    string ServerAddress, bool TurnstileCheck, string TurnstileSiteKey, string TopUpLink, string ChatLink,
    double QuotaPerUnit, bool DisplayInCurrency, bool Oidc, string OidcClientId, string OidcWellKnown,
    string OidcAuthorizationEndpoint, string OidcTokenEndpoint, string OidcUserinfoEndpoint);
