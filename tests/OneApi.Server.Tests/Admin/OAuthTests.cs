using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>A gateway whose GitHub and Lark endpoints point at the fake provider, with GitHub, OIDC, Lark and WeChat sign-in configured.</summary>
public sealed class OAuthFixture : IAsyncLifetime
{
    public FakeOAuthProvider Provider { get; private set; } = null!;
    public FakeWeChatServer WeChat { get; private set; } = null!;
    public TestGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await FakeOAuthProvider.StartAsync();
        WeChat = await FakeWeChatServer.StartAsync();
        Gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?>
        {
            ["GITHUB_OAUTH_URL"] = Provider.BaseUrl,
            ["GITHUB_API_URL"] = Provider.BaseUrl,
            ["LARK_OAUTH_URL"] = Provider.BaseUrl,
        });
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["GitHubClientId"] = FakeOAuthProvider.ClientId, ["GitHubClientSecret"] = FakeOAuthProvider.ClientSecret, ["GitHubOAuthEnabled"] = "true",
                     ["OidcClientId"] = FakeOAuthProvider.ClientId, ["OidcClientSecret"] = FakeOAuthProvider.ClientSecret,
                     ["OidcAuthorizationEndpoint"] = Provider.BaseUrl + "/oidc/authorize", ["OidcTokenEndpoint"] = Provider.OidcTokenEndpoint,
                     ["OidcUserinfoEndpoint"] = Provider.OidcUserinfoEndpoint, ["OidcEnabled"] = "true",
                     ["ServerAddress"] = FakeOAuthProvider.ServerAddress,
                     ["LarkClientId"] = FakeOAuthProvider.ClientId, ["LarkClientSecret"] = FakeOAuthProvider.ClientSecret,
                     ["WeChatServerAddress"] = WeChat.BaseUrl, ["WeChatServerToken"] = FakeWeChatServer.Token, ["WeChatAuthEnabled"] = "true",
                 })
        {
            (await Gateway.Admin.PutJsonAsync("/api/option/", new { key, value })).Data();
        }
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Provider.DisposeAsync();
        await WeChat.DisposeAsync();
    }
}

/// <summary>GitHub, OIDC and Lark sign-in with the state flow, and WeChat's typed codes, against fakes on loopback.</summary>
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

    [Fact]
    public async Task Lark_FirstSignInCreatesTheAccount_ASignedInUserLinksIt()
    {
        var openId = "ou_" + NewLogin();
        using var browser = Browser();

        var user = (await SignInAsync(browser, "lark", "code-" + openId)).Data();

        var username = user.GetProperty("username").GetString()!;
        Assert.Matches("^lark_[0-9]+$", username);
        Assert.Equal("Lark " + openId, user.GetProperty("display_name").GetString());
        Assert.Equal(openId, (await browser.GetJsonAsync("/api/user/self")).Data().GetProperty("lark_id").GetString());
        using (var again = Browser())
        {
            Assert.Equal(username, (await SignInAsync(again, "lark", "code-" + openId)).Data().GetProperty("username").GetString());
        }
        using (var thief = Browser())
        {
            Assert.Equal("Lark did not accept the authorization code", (await SignInAsync(thief, "lark", "stolen")).Failure());
        }

        using var member = await Gateway.MemberAsync();
        using var memberBrowser = Browser();
        (await memberBrowser.PostJsonAsync("/api/user/login", new { username = member.Username, password = ApiClient.Password })).Data();
        Assert.Equal("this lark account is already linked to another user", (await SignInAsync(memberBrowser, "lark", "code-" + openId)).Failure());
        var own = "ou_" + NewLogin();
        Assert.Equal("bind", (await SignInAsync(memberBrowser, "lark", "code-" + own)).GetProperty("message").GetString());
        using var fresh = Browser();
        Assert.Equal(member.Username, (await SignInAsync(fresh, "lark", "code-" + own)).Data().GetProperty("username").GetString());
    }

    [Fact]
    public async Task Lark_WithoutAState_Is403()
    {
        using var browser = Browser();
        await browser.SendAsync(HttpMethod.Get, "/api/oauth/lark?code=code-x", expected: HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task WeChat_CodeSignsInWithoutAState_CreatingTheAccountOnce()
    {
        var weChatId = "wx" + NewLogin();
        using var browser = Browser();

        var user = (await browser.GetJsonAsync($"/api/oauth/wechat?code=wx-{weChatId}")).Data();

        var username = user.GetProperty("username").GetString()!;
        Assert.Matches("^wechat_[0-9]+$", username);
        Assert.Equal("WeChat User", user.GetProperty("display_name").GetString());
        Assert.Equal(weChatId, (await browser.GetJsonAsync("/api/user/self")).Data().GetProperty("wechat_id").GetString());
        using var again = Browser();
        Assert.Equal(username, (await again.GetJsonAsync($"/api/oauth/wechat?code=wx-{weChatId}")).Data().GetProperty("username").GetString());
        await using var db = await Gateway.DbAsync();
        Assert.Equal(1, await db.Users.CountAsync(u => u.WeChatId == weChatId));
    }

    [Fact]
    public async Task WeChat_BadCodes_AreLogicalFailures()
    {
        using var browser = Browser();
        Assert.Equal("invalid code", (await browser.GetJsonAsync("/api/oauth/wechat?code=guess")).Failure());
        Assert.Equal("the verification code is wrong or has expired", (await browser.GetJsonAsync("/api/oauth/wechat?code=expired")).Failure());
        Assert.Equal("invalid parameters", (await browser.GetJsonAsync("/api/oauth/wechat")).Failure());
    }

    [Fact]
    public async Task WeChat_Bind_SetsTheCallersId_AndRefusesOneTakenByAnother()
    {
        using var member = await Gateway.MemberAsync();
        var weChatId = "wx" + NewLogin();

        (await member.Client.GetJsonAsync($"/api/oauth/wechat/bind?code=wx-{weChatId}")).Data();

        Assert.Equal(weChatId, (await member.Client.GetJsonAsync("/api/user/self")).Data().GetProperty("wechat_id").GetString());
        using var browser = Browser();
        Assert.Equal(member.Username, (await browser.GetJsonAsync($"/api/oauth/wechat?code=wx-{weChatId}")).Data().GetProperty("username").GetString());
        using var other = await Gateway.MemberAsync();
        Assert.Equal("this wechat account is already linked to another user", (await other.Client.GetJsonAsync($"/api/oauth/wechat/bind?code=wx-{weChatId}")).Failure());
    }

    [Fact]
    public async Task WeChat_Disabled_RefusesSignInAndBind()
    {
        using var member = await Gateway.MemberAsync();
        (await Gateway.Admin.PutJsonAsync("/api/option/", new { key = "WeChatAuthEnabled", value = "false" })).Data();
        try
        {
            using var browser = Browser();
            const string refused = "the administrator has not enabled sign-in and registration with WeChat";
            Assert.Equal(refused, (await browser.GetJsonAsync("/api/oauth/wechat?code=wx-someone")).Failure());
            Assert.Equal(refused, (await member.Client.GetJsonAsync("/api/oauth/wechat/bind?code=wx-someone")).Failure());
        }
        finally
        {
            (await Gateway.Admin.PutJsonAsync("/api/option/", new { key = "WeChatAuthEnabled", value = "true" })).Data();
        }
    }
}
