using System.Net.Http.Headers;
using OneApi.Server.Options;

namespace OneApi.Server.Auth.OAuth;

/// <summary>
/// OpenID Connect's authorization-code flow against the endpoints in the options: the code is exchanged at the
/// token endpoint, whose access token reads the userinfo endpoint (<c>sub</c> is the id).
/// </summary>
public sealed class OidcOAuth(IHttpClientFactory clients) : IOAuthProvider
{
    public string Name => "oidc";

    public System.Linq.Expressions.Expression<Func<OneApi.Data.Entities.User, bool>> Owns(string providerUserId) => u => u.OidcId == providerUserId;

    public void Link(OneApi.Data.Entities.User user, string providerUserId) => user.OidcId = providerUserId;

    public string? NotReady(RuntimeOptions options) =>
        options.GetBool("OidcEnabled") ? null : "the administrator has not enabled sign-in with OIDC";

    public async Task<(OAuthIdentity? Identity, string? Error)> IdentifyAsync(string code, RuntimeOptions options, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(OAuthHttp.ClientName);
        using var exchange = new HttpRequestMessage(HttpMethod.Post, options.Get("OidcTokenEndpoint"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["client_id"] = options.Get("OidcClientId"),
                ["client_secret"] = options.Get("OidcClientSecret"),
                ["redirect_uri"] = $"{options.Get("ServerAddress").TrimEnd('/')}/oauth/oidc",
            }),
        };
        exchange.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var token = await OAuthHttp.ReadJsonAsync(client, exchange, cancellationToken);
        if (token is null || OAuthHttp.Text(token.RootElement, "access_token") is not { Length: > 0 } bearer)
        {
            return (null, "the OIDC provider did not accept the authorization code");
        }
        using var userinfoRequest = new HttpRequestMessage(HttpMethod.Get, options.Get("OidcUserinfoEndpoint"));
        userinfoRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var userinfo = await OAuthHttp.ReadJsonAsync(client, userinfoRequest, cancellationToken);
        var subject = userinfo is null ? null : OAuthHttp.Text(userinfo.RootElement, "sub");
        if (string.IsNullOrEmpty(subject))
        {
            return (null, "the OIDC provider returned no user; try again later");
        }
        var root = userinfo!.RootElement;
        return (new OAuthIdentity(subject, OAuthHttp.Text(root, "name") ?? OAuthHttp.Text(root, "preferred_username"), OAuthHttp.Text(root, "email")), null);
    }
}
