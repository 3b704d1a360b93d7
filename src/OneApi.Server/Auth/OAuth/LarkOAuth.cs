using System.Net.Http.Headers;
using System.Net.Http.Json;
using OneApi.Server.Options;

namespace OneApi.Server.Auth.OAuth;

/// <summary>
/// Lark (Feishu) passport's web flow, as one-api calls it: the code is exchanged (JSON body) for an access token,
/// which reads the userinfo endpoint; <c>open_id</c> is the id. one-api has no switch for it beyond the client id.
/// </summary>
public sealed class LarkOAuth(IHttpClientFactory clients, LarkEndpoints endpoints) : IOAuthProvider
{
    public string Name => "lark";

    public System.Linq.Expressions.Expression<Func<OneApi.Data.Entities.User, bool>> Owns(string providerUserId) => u => u.LarkId == providerUserId;

    public void Link(OneApi.Data.Entities.User user, string providerUserId) => user.LarkId = providerUserId;

    public string? NotReady(RuntimeOptions options) =>
        options.Get("LarkClientId") != "" ? null : "the administrator has not configured sign-in with Lark";

    public async Task<(OAuthIdentity? Identity, string? Error)> IdentifyAsync(string code, RuntimeOptions options, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(OAuthHttp.ClientName);
        using var exchange = new HttpRequestMessage(HttpMethod.Post, $"{endpoints.PassportBaseUrl}/suite/passport/oauth/token")
        {
            Content = JsonContent.Create(new Dictionary<string, string>
            {
                ["client_id"] = options.Get("LarkClientId"),
                ["client_secret"] = options.Get("LarkClientSecret"),
                ["code"] = code,
                ["grant_type"] = "authorization_code",
                ["redirect_uri"] = $"{options.Get("ServerAddress").TrimEnd('/')}/oauth/lark",
            }),
        };
        exchange.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var token = await OAuthHttp.ReadJsonAsync(client, exchange, cancellationToken);
        if (token is null || OAuthHttp.Text(token.RootElement, "access_token") is not { Length: > 0 } bearer)
        {
            return (null, "Lark did not accept the authorization code");
        }
        using var userinfoRequest = new HttpRequestMessage(HttpMethod.Get, $"{endpoints.PassportBaseUrl}/suite/passport/oauth/userinfo");
        userinfoRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var userinfo = await OAuthHttp.ReadJsonAsync(client, userinfoRequest, cancellationToken);
        var openId = userinfo is null ? null : OAuthHttp.Text(userinfo.RootElement, "open_id");
        return string.IsNullOrEmpty(openId)
            ? (null, "Lark returned no user; try again later")
            : (new OAuthIdentity(openId, OAuthHttp.Text(userinfo!.RootElement, "name") is { Length: > 0 } name ? name : "Lark User", null), null);
    }
}

/// <summary>Where Lark's passport lives (<c>LARK_OAUTH_URL</c>, for tests and Lark's international domain).</summary>
public sealed record LarkEndpoints(string PassportBaseUrl)
{
    public static LarkEndpoints From(IConfiguration config) =>
        new((config["LARK_OAUTH_URL"] is { Length: > 0 } url ? url : "https://passport.feishu.cn").TrimEnd('/'));
}
