using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>Verification codes and password reset links sent over SMTP (MailKit) to a fake server on loopback.</summary>
public sealed partial class EmailTests(PlaintextSmtpPool pool) : IClassFixture<PlaintextSmtpPool>, IAsyncLifetime
{
    private readonly FakeSmtpServer _smtp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _smtp.DisposeAsync();

    private async Task<TestGateway> GatewayWithSmtpAsync()
    {
        var gateway = await pool.GetAsync("sqlite");
        await SetAsync(gateway, "SMTPServer", "127.0.0.1");
        await SetAsync(gateway, "SMTPPort", _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await SetAsync(gateway, "SMTPFrom", "noreply@oneapi.test");
        return gateway;
    }

    private static async Task SetAsync(TestGateway gateway, string key, string value) =>
        (await gateway.Admin.PutJsonAsync("/api/option/", new { key, value })).Data();

    public static string CodeIn(MimeKit.MimeMessage mail) => StrongText().Match(mail.HtmlBody ?? "").Groups[1].Value;

    [GeneratedRegex("<strong>([^<]+)</strong>")]
    private static partial Regex StrongText();

    [GeneratedRegex("token=([0-9a-f]{32})")]
    private static partial Regex ResetToken();

    private static string NewEmail() => $"e{Guid.NewGuid().ToString("N")[..8]}@example.com";

    [Fact]
    public async Task Register_WithEmailVerification_NeedsTheMailedCode()
    {
        var gateway = await GatewayWithSmtpAsync();
        var email = NewEmail();
        var username = "v" + Guid.NewGuid().ToString("N")[..9];
        await SetAsync(gateway, "EmailVerificationEnabled", "true");
        try
        {
            (await gateway.Http.GetJsonAsync($"/api/verification?email={email}")).Data();
            var mail = await _smtp.MailToAsync(email);
            var code = CodeIn(mail);
            Assert.Equal(6, code.Length);
            Assert.Contains("email verification", mail.Subject);
            Assert.Equal("noreply@oneapi.test", mail.From.Mailboxes.Single().Address);

            Assert.Equal("email verification is on: enter your email address and the verification code",
                (await gateway.Http.PostJsonAsync("/api/user/register", new { username, password = "password123" })).Failure());
            Assert.Equal("the verification code is wrong or has expired",
                (await gateway.Http.PostJsonAsync("/api/user/register", new { username, password = "password123", email, verification_code = "000000" })).Failure());
            (await gateway.Http.PostJsonAsync("/api/user/register", new { username, password = "password123", email, verification_code = code })).Data();

            await using var db = await gateway.DbAsync();
            Assert.Equal(email, (await db.Users.SingleAsync(u => u.Username == username)).Email);
            Assert.Equal("the email address is already in use", (await gateway.Http.GetJsonAsync($"/api/verification?email={email}")).Failure());
        }
        finally
        {
            await SetAsync(gateway, "EmailVerificationEnabled", "false");
        }
    }

    [Fact]
    public async Task Verification_OutsideTheDomainAllowList_IsRefused()
    {
        var gateway = await GatewayWithSmtpAsync();
        await SetAsync(gateway, "EmailDomainWhitelist", "example.com");
        await SetAsync(gateway, "EmailDomainRestrictionEnabled", "true");
        try
        {
            Assert.Equal("the administrator only allows email addresses of certain domains, and this one is not among them",
                (await gateway.Http.GetJsonAsync("/api/verification?email=someone@elsewhere.org")).Failure());
            (await gateway.Http.GetJsonAsync($"/api/verification?email={NewEmail()}")).Data();
            Assert.Equal("invalid email address", (await gateway.Http.GetJsonAsync("/api/verification?email=not-an-address")).Failure());
        }
        finally
        {
            await SetAsync(gateway, "EmailDomainRestrictionEnabled", "false");
        }
    }

    [Fact]
    public async Task ResetPassword_ByEmailedLink_GivesANewPasswordOnce()
    {
        var gateway = await GatewayWithSmtpAsync();
        var email = NewEmail();
        using var user = await gateway.MemberAsync();
        (await gateway.Admin.PutJsonAsync("/api/user/", new { id = user.Id, email })).Data();

        (await gateway.Http.GetJsonAsync($"/api/reset_password?email={email}")).Data();
        var mail = await _smtp.MailToAsync(email);
        Assert.Contains("http://localhost:3000/user/reset?email=", mail.HtmlBody);
        var token = ResetToken().Match(mail.HtmlBody ?? "").Groups[1].Value;

        var password = (await gateway.Http.PostJsonAsync("/api/user/reset", new { email, token })).Data().GetString()!;
        Assert.Equal(12, password.Length);
        using var browser = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        (await browser.PostJsonAsync("/api/user/login", new { username = user.Username, password })).Data();
        Assert.Equal("the reset link is invalid or has expired", (await gateway.Http.PostJsonAsync("/api/user/reset", new { email, token })).Failure());
        Assert.Equal("no account is registered with this email address", (await gateway.Http.GetJsonAsync($"/api/reset_password?email={NewEmail()}")).Failure());
    }

    [Fact]
    public async Task BindEmail_WithTheMailedCode_SetsTheAddress()
    {
        var gateway = await GatewayWithSmtpAsync();
        var email = NewEmail();
        using var user = await gateway.MemberAsync();
        (await gateway.Http.GetJsonAsync($"/api/verification?email={email}")).Data();
        var code = CodeIn(await _smtp.MailToAsync(email));

        Assert.Equal("the verification code is wrong or has expired", (await user.Client.GetJsonAsync($"/api/oauth/email/bind?email={email}&code=nope")).Failure());
        (await user.Client.GetJsonAsync($"/api/oauth/email/bind?email={email}&code={code}")).Data();

        Assert.Equal(email, (await user.Client.GetJsonAsync("/api/user/self")).Data().GetProperty("email").GetString());
        using var anonymous = await gateway.Http.GetAsync($"/api/oauth/email/bind?email={email}&code={code}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Verification_WithoutSmtp_SaysSo()
    {
        await using var gateway = await TestGateway.StartAsync("sqlite");
        Assert.Equal("SMTP is not configured", (await gateway.Http.GetJsonAsync($"/api/verification?email={NewEmail()}")).Failure());
    }
}
