using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Security;

/// <summary>
/// Behind a TLS proxy the gateway sees plain HTTP; with <c>SESSION_COOKIE_SECURE</c> the session cookie is still
/// marked Secure, so a browser never sends it over an unencrypted link where it could be read.
/// </summary>
public sealed class SecureCookieTests
{
    [Fact]
    public async Task SessionCookieSecure_MarksTheSessionCookieSecure()
    {
        await using var gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?> { ["SESSION_COOKIE_SECURE"] = "true" });

        using var login = await gateway.LoginAsync("root", "123456");

        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("session=", StringComparison.Ordinal));
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ByDefault_PlainHttpGetsACookieItCanSendBack()
    {
        await using var gateway = await TestGateway.StartAsync("sqlite");

        using var login = await gateway.LoginAsync("root", "123456");

        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("session=", StringComparison.Ordinal));
        Assert.DoesNotContain("; secure", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
