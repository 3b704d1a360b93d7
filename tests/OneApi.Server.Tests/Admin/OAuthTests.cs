using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>A gateway whose GitHub endpoints point at the fake provider, with GitHub and OIDC sign-in configured.</summary>
public sealed class OAuthFixture : IAsyncLifetime
{
    public FakeOAuthProvider Provider { get; private set; } = null!;
    public TestGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await FakeOAuthProvider.StartAsync();
        Gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?>
        {
            ["GITHUB_OAUTH_URL"] = Provider.BaseUrl,
            ["GITHUB_API_URL"] = Provider.BaseUrl,
        });
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["GitHubClientId"] = FakeOAuthProvider.ClientId, ["GitHubClientSecret"] = FakeOAuthProvider.ClientSecret, ["GitHubOAuthEnabled"] = "true",
                     ["OidcClientId"] = FakeOAuthProvider.ClientId, ["OidcClientSecret"] = FakeOAuthProvider.ClientSecret,
                     ["OidcAuthorizationEndpoint"] = Provider.BaseUrl + "/oidc/authorize", ["OidcTokenEndpoint"] = Provider.OidcTokenEndpoint,
                     ["OidcUserinfoEndpoint"] = Provider.OidcUserinfoEndpoint, ["OidcEnabled"] = "true",
                 })
        {
            (await Gateway.Admin.PutJsonAsync("/api/option/", new { key, value })).Data();
        }
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

/// <summary>GitHub and OIDC sign-in with the state flow, against a fake provider on loopback.</summary>
public sealed class OAuthTests(OAuthFixture fixture) : IClassFixture<OAuthFixture>
{
    private TestGateway Gateway => fixture.Gateway;

    private HttpClient Browser() => new(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(Gateway.BaseUrl) };

    private static string NewLogin() => "o" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<JsonElement> SignInAsync(HttpClient browser, string provider, string code)
    {
        var state = (await browser.GetJsonAsync("/api/oauth/state")).Data().GetString();
        return await browser.GetJsonAsync($"/api/oauth/{provider}?code={code}&state={state}");
    }

    [Theory]
    [InlineData("github", "GitHub ")]
    [InlineData("oidc", "OIDC ")]
    public async Task FirstSignIn_CreatesTheAccount_NextSignInFindsIt(string provider, string namePrefix)
    {
        var login = NewLogin();
        using var browser = Browser();

        var user = (await SignInAsync(browser, provider, "code-" + login)).Data();

        var username = user.GetProperty("username").GetString()!;
        Assert.StartsWith(provider + "_", username);
        Assert.Equal(namePrefix + login, user.GetProperty("display_name").GetString());
        var self = (await browser.GetJsonAsync("/api/user/self")).Data();
        Assert.Equal(login, self.GetProperty(provider == "github" ? "github_id" : "oidc_id").GetString());
        Assert.EndsWith(".test", self.GetProperty("email").GetString());

        using var again = Browser();
        Assert.Equal(username, (await SignInAsync(again, provider, "code-" + login)).Data().GetProperty("username").GetString());
        await using var db = await Gateway.DbAsync();
        Assert.Equal(1, await db.Users.CountAsync(u => u.GitHubId == login || u.OidcId == login));
    }

    [Fact]
    public async Task WrongOrMissingState_Is403_AndAStateServesOnce()
    {
        using var browser = Browser();
        await browser.SendAsync(HttpMethod.Get, "/api/oauth/github?code=code-x&state=forged", expected: HttpStatusCode.Forbidden);
        using var stranger = Browser(); // a state issued to another browser is no good here
        var state = (await stranger.GetJsonAsync("/api/oauth/state")).Data().GetString();
        await browser.SendAsync(HttpMethod.Get, $"/api/oauth/github?code=code-x&state={state}", expected: HttpStatusCode.Forbidden);
        (await stranger.GetJsonAsync($"/api/oauth/github?code=code-{NewLogin()}&state={state}")).Data();
        await stranger.SendAsync(HttpMethod.Get, $"/api/oauth/github?code=code-{NewLogin()}&state={state}", expected: HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task RefusedCode_IsALogicalFailure()
    {
        using var browser = Browser();
        Assert.Equal("GitHub did not accept the authorization code", (await SignInAsync(browser, "github", "stolen")).Failure());
        Assert.Equal("the OIDC provider did not accept the authorization code", (await SignInAsync(browser, "oidc", "stolen")).Failure());
    }

    [Fact]
    public async Task SignedInUser_LinksTheProviderAccount_WhichThenSignsInToIt()
    {
        using var member = await Gateway.MemberAsync();
        using var browser = Browser();
        (await browser.PostJsonAsync("/api/user/login", new { username = member.Username, password = ApiClient.Password })).Data();
        var login = NewLogin();

        Assert.Equal("bind", (await SignInAsync(browser, "github", "code-" + login)).GetProperty("message").GetString());

        using var fresh = Browser();
        Assert.Equal(member.Username, (await SignInAsync(fresh, "github", "code-" + login)).Data().GetProperty("username").GetString());
        using var other = await Gateway.MemberAsync();
        using var otherBrowser = Browser();
        (await otherBrowser.PostJsonAsync("/api/user/login", new { username = other.Username, password = ApiClient.Password })).Data();
        Assert.Equal("this github account is already linked to another user", (await SignInAsync(otherBrowser, "github", "code-" + login)).Failure());
    }

    [Fact]
    public async Task BannedUser_CannotSignIn_AndClosedRegistrationCreatesNobody()
    {
        var login = NewLogin();
        using (var browser = Browser())
        {
            var username = (await SignInAsync(browser, "github", "code-" + login)).Data().GetProperty("username").GetString();
            (await Gateway.Admin.PostJsonAsync("/api/user/manage", new { username, action = "disable" })).Data();
        }
        using (var browser = Browser())
        {
            Assert.Equal("user has been banned", (await SignInAsync(browser, "github", "code-" + login)).Failure());
        }
        (await Gateway.Admin.PutJsonAsync("/api/option/", new { key = "RegisterEnabled", value = "false" })).Data();
        try
        {
            using var browser = Browser();
            Assert.Equal("the administrator has turned off registration", (await SignInAsync(browser, "oidc", "code-" + NewLogin())).Failure());
        }
        finally
        {
            (await Gateway.Admin.PutJsonAsync("/api/option/", new { key = "RegisterEnabled", value = "true" })).Data();
        }
    }
}
