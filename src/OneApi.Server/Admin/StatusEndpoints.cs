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
    private static IResult GetStatus(OptionStore options, StartInfo start)
    {
        var o = options.Current;
        return ApiResponse.Done(new Dictionary<string, object?>
        {
            ["version"] = start.Version,
            ["start_time"] = start.StartTime,
            ["email_verification"] = o.GetBool("EmailVerificationEnabled"),
            ["github_oauth"] = o.GetBool("GitHubOAuthEnabled"),
            ["github_client_id"] = o.Get("GitHubClientId"),
            ["lark_client_id"] = o.Get("LarkClientId"),
            ["system_name"] = o.Get("SystemName"),
            ["logo"] = o.Get("Logo"),
            ["footer_html"] = o.Get("Footer"),
            ["wechat_qrcode"] = o.Get("WeChatAccountQRCodeImageURL"),
            ["wechat_login"] = o.GetBool("WeChatAuthEnabled"),
            ["server_address"] = o.Get("ServerAddress"),
            ["turnstile_check"] = o.GetBool("TurnstileCheckEnabled"),
            ["turnstile_site_key"] = o.Get("TurnstileSiteKey"),
            ["top_up_link"] = o.Get("TopUpLink"),
            ["chat_link"] = o.Get("ChatLink"),
            ["quota_per_unit"] = o.QuotaPerUnit,
            ["display_in_currency"] = o.GetBool("DisplayInCurrencyEnabled"),
            ["oidc"] = o.GetBool("OidcEnabled"),
            ["oidc_client_id"] = o.Get("OidcClientId"),
            ["oidc_well_known"] = o.Get("OidcWellKnown"),
            ["oidc_authorization_endpoint"] = o.Get("OidcAuthorizationEndpoint"),
            ["oidc_token_endpoint"] = o.Get("OidcTokenEndpoint"),
            ["oidc_userinfo_endpoint"] = o.Get("OidcUserinfoEndpoint"),
        });
    }
}

/// <summary>The version and start time shown by <c>/api/status</c>.</summary>
public sealed record StartInfo(string Version, long StartTime);
