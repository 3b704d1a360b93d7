using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OneApi.Server.Options;

namespace OneApi.Server.Auth.OAuth;

/// <summary>GitHub's web flow: the code is exchanged for an access token, which reads <c>/user</c> (the login is the id).</summary>
public sealed class GitHubOAuth(IHttpClientFactory clients, GitHubEndpoints endpoints) : IOAuthProvider
{
    public string Name => "github";

    public System.Linq.Expressions.Expression<Func<OneApi.Data.Entities.User, bool>> Owns(string providerUserId) => u => u.GitHubId == providerUserId;

    public void Link(OneApi.Data.Entities.User user, string providerUserId) => user.GitHubId = providerUserId;

    public string? NotReady(RuntimeOptions options) =>
        options.GetBool("GitHubOAuthEnabled") ? null : "the administrator has not enabled sign-in with GitHub";

    public async Task<(OAuthIdentity? Identity, string? Error)> IdentifyAsync(string code, RuntimeOptions options, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(OAuthHttp.ClientName);
        using var exchange = new HttpRequestMessage(HttpMethod.Post, $"{endpoints.OAuthBaseUrl}/login/oauth/access_token")
        {
            Content = JsonContent.Create(new Dictionary<string, string>
            {
                ["client_id"] = options.Get("GitHubClientId"),
                ["client_secret"] = options.Get("GitHubClientSecret"),
                ["code"] = code,
            }),
        };
        exchange.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var token = await OAuthHttp.ReadJsonAsync(client, exchange, cancellationToken);
        if (token?.RootElement.TryGetProperty("access_token", out var accessToken) != true || accessToken.GetString() is not { Length: > 0 } bearer)
        {
            return (null, "GitHub did not accept the authorization code");
        }
        using var profileRequest = new HttpRequestMessage(HttpMethod.Get, $"{endpoints.ApiBaseUrl}/user");
        profileRequest.Headers.Authorization = new AuthenticationHeaderValue("token", bearer);
        profileRequest.Headers.UserAgent.Add(new ProductInfoHeaderValue("one-api", "1"));
        using var profile = await OAuthHttp.ReadJsonAsync(client, profileRequest, cancellationToken);
        var login = profile is null ? null : OAuthHttp.Text(profile.RootElement, "login");
        return string.IsNullOrEmpty(login)
            ? (null, "GitHub returned no user; try again later")
            : (new OAuthIdentity(login, OAuthHttp.Text(profile!.RootElement, "name"), OAuthHttp.Text(profile.RootElement, "email")), null);
    }
}

/// <summary>The HTTP details both providers share.</summary>
public static class OAuthHttp
{
    public const string ClientName = "oauth";

    /// <summary>The answer's JSON, or null when the provider failed or sent something else.</summary>
    public static async Task<JsonDocument?> ReadJsonAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
        {
            return null;
        }
    }

    public static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
