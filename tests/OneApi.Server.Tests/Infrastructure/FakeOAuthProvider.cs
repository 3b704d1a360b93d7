using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// GitHub's OAuth web flow, an OpenID Connect provider and Lark's passport on loopback. The code <c>code-NAME</c>
/// signs in user NAME (GitHub login / OIDC <c>sub</c> / Lark <c>open_id</c>); any other code is refused. Client
/// credentials must match, and Lark's redirect_uri must be <see cref="ServerAddress"/> + <c>/oauth/lark</c>.
/// </summary>
public sealed class FakeOAuthProvider : IAsyncDisposable
{
    public const string ClientId = "fake-client-id";
    public const string ClientSecret = "fake-client-secret";
    public const string ServerAddress = "http://console.test";

    private readonly LoopbackServer _server;

    private FakeOAuthProvider(LoopbackServer server) => _server = server;

    public string BaseUrl => _server.BaseUrl;

    public string OidcTokenEndpoint => $"{BaseUrl}/oidc/token";

    public string OidcUserinfoEndpoint => $"{BaseUrl}/oidc/userinfo";

    public static async Task<FakeOAuthProvider> StartAsync() => new(await LoopbackServer.StartAsync(app =>
    {
        // GitHub answers a bad code with 200 and an error field, as the real one does.
        app.MapPost("/login/oauth/access_token", async (HttpContext context) =>
        {
            var body = await context.Request.ReadFromJsonAsync<Dictionary<string, string>>();
            return body is not null && body.GetValueOrDefault("client_id") == ClientId && body.GetValueOrDefault("client_secret") == ClientSecret
                   && UserOf(body.GetValueOrDefault("code")) is { } user
                ? Results.Json(new { access_token = "tok-" + user, token_type = "bearer", scope = "" })
                : Results.Json(new { error = "bad_verification_code" });
        });
        app.MapGet("/user", (HttpContext context) =>
            context.Request.Headers.Authorization.ToString() is var auth && auth.StartsWith("token tok-", StringComparison.Ordinal)
                ? Results.Json(new { login = auth["token tok-".Length..], name = "GitHub " + auth["token tok-".Length..], email = auth["token tok-".Length..] + "@github.test" })
                : Results.Unauthorized());
        app.MapPost("/oidc/token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            return form["client_id"] == ClientId && form["client_secret"] == ClientSecret && form["grant_type"] == "authorization_code"
                   && UserOf(form["code"]) is { } user
                ? Results.Json(new { access_token = "tok-" + user, token_type = "Bearer", expires_in = 3600 })
                : Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        });
        app.MapGet("/oidc/userinfo", (HttpContext context) =>
            context.Request.Headers.Authorization.ToString() is var auth && auth.StartsWith("Bearer tok-", StringComparison.Ordinal)
                ? Results.Json(new { sub = auth["Bearer tok-".Length..], name = "OIDC " + auth["Bearer tok-".Length..], email = auth["Bearer tok-".Length..] + "@oidc.test" })
                : Results.Unauthorized());
        app.MapPost("/suite/passport/oauth/token", async (HttpContext context) =>
        {
            var body = await context.Request.ReadFromJsonAsync<Dictionary<string, string>>();
            return body is not null && body.GetValueOrDefault("client_id") == ClientId && body.GetValueOrDefault("client_secret") == ClientSecret
                   && body.GetValueOrDefault("grant_type") == "authorization_code" && body.GetValueOrDefault("redirect_uri") == ServerAddress + "/oauth/lark"
                   && UserOf(body.GetValueOrDefault("code")) is { } user
                ? Results.Json(new { access_token = "tok-" + user, token_type = "Bearer", expires_in = 7200 })
                : Results.Json(new { error = "invalid_grant", error_description = "the code is invalid" }, statusCode: 400);
        });
        app.MapGet("/suite/passport/oauth/userinfo", (HttpContext context) =>
            context.Request.Headers.Authorization.ToString() is var auth && auth.StartsWith("Bearer tok-", StringComparison.Ordinal)
                ? Results.Json(new { open_id = auth["Bearer tok-".Length..], union_id = "on_x", name = "Lark " + auth["Bearer tok-".Length..], en_name = "x" })
                : Results.Unauthorized());
    }));

    private static string? UserOf(string? code) => code is not null && code.StartsWith("code-", StringComparison.Ordinal) ? code[5..] : null;

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
