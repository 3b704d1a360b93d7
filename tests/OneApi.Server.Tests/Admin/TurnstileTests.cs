using System.Net;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>A gateway whose siteverify is the fake, with the Turnstile check on.</summary>
public sealed class TurnstileFixture : IAsyncLifetime
{
    public FakeTurnstile Turnstile { get; private set; } = null!;
    public TestGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Turnstile = await FakeTurnstile.StartAsync();
        Gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?> { ["TURNSTILE_VERIFY_URL"] = Turnstile.VerifyUrl });
        await Gateway.SetOptionAsync("TurnstileSiteKey", "site-key");
        await Gateway.SetOptionAsync("TurnstileSecretKey", FakeTurnstile.Secret);
        await Gateway.SetOptionAsync("TurnstileCheckEnabled", "true");
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Turnstile.DisposeAsync();
    }
}

/// <summary>Registration, verification codes and reset links need a Turnstile token when the check is on.</summary>
public sealed class TurnstileTests(TurnstileFixture fixture) : IClassFixture<TurnstileFixture>
{
    private TestGateway Gateway => fixture.Gateway;

    private HttpClient Browser() => new(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(Gateway.BaseUrl) };

    private static string NewName() => "t" + Guid.NewGuid().ToString("N")[..9];

    [Theory]
    [InlineData("GET", "/api/verification?email=a@example.com")]
    [InlineData("GET", "/api/reset_password?email=a@example.com")]
    [InlineData("POST", "/api/user/register")]
    public async Task GuardedRoute_WithoutOrWithABadToken_IsRefused(string method, string path)
    {
        using var browser = Browser();
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var body = new { username = NewName(), password = "password123" };

        Assert.Equal("Turnstile token is empty", (await SendAsync(browser, method, path, body)).Failure());
        Assert.Equal("Turnstile verification failed", (await SendAsync(browser, method, $"{path}{separator}turnstile=forged", body)).Failure());
    }

    [Fact]
    public async Task AcceptedToken_Registers_AndTheBrowserIsNotAskedAgain()
    {
        using var browser = Browser();
        var token = "pass-" + NewName();
        var username = NewName();

        (await browser.PostJsonAsync($"/api/user/register?turnstile={token}", new { username, password = "password123" })).Data();

        Assert.Contains("127.0.0.1", fixture.Turnstile.RemoteIps);
        // The console sends its one token again (Cloudflare would refuse it now): the browser's pass covers it.
        (await browser.PostJsonAsync($"/api/user/register?turnstile={token}", new { username = NewName(), password = "password123" })).Data();
        using var stranger = Browser();
        Assert.Equal("Turnstile verification failed",
            (await stranger.PostJsonAsync($"/api/user/register?turnstile={token}", new { username = NewName(), password = "password123" })).Failure());
    }

    [Fact]
    public async Task CheckOff_NeedsNoToken()
    {
        await Gateway.SetOptionAsync("TurnstileCheckEnabled", "false");
        try
        {
            using var browser = Browser();
            (await browser.PostJsonAsync("/api/user/register", new { username = NewName(), password = "password123" })).Data();
        }
        finally
        {
            await Gateway.SetOptionAsync("TurnstileCheckEnabled", "true");
        }
    }

    private static Task<System.Text.Json.JsonElement> SendAsync(HttpClient browser, string method, string path, object body) =>
        method == "POST" ? browser.PostJsonAsync(path, body) : browser.GetJsonAsync(path);
}
