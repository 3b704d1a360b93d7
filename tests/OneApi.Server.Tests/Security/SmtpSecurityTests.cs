using OneApi.Server.Tests.Admin;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Security;

/// <summary>
/// Verification codes and reset links are credentials: by default they go only over TLS. An SMTP server that
/// offers no STARTTLS (or a listener on the path pretending to be one) receives nothing in plaintext.
/// </summary>
public sealed class SmtpSecurityTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    [Fact]
    public async Task ByDefault_AnSmtpServerWithoutTls_GetsNoMail()
    {
        var gateway = await pool.GetAsync("sqlite");
        await using var plaintext = new FakeSmtpServer();
        await gateway.MailThroughAsync(plaintext.Port);
        var email = NewEmail();

        Assert.Equal("the email could not be sent", (await gateway.Http.GetJsonAsync($"/api/verification?email={email}")).Failure());

        Assert.Equal(0, plaintext.CountTo(email));
    }

    [Fact]
    public async Task ByDefault_AnSmtpServerWithAnUntrustedCertificate_GetsNoMail()
    {
        var gateway = await pool.GetAsync("sqlite");
        await using var impostor = new SelfSignedSmtpServer();
        await gateway.MailThroughAsync(impostor.Port);

        Assert.Equal("the email could not be sent", (await gateway.Http.GetJsonAsync($"/api/verification?email={NewEmail()}")).Failure());

        Assert.Equal(0, impostor.Delivered);
    }

    [Fact]
    public async Task AllowInsecure_AcceptsTheSelfSignedServer_AsOneApiDoes()
    {
        await using var gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?> { ["SMTP_ALLOW_INSECURE"] = "true" });
        await using var server = new SelfSignedSmtpServer();
        await gateway.MailThroughAsync(server.Port);

        (await gateway.Http.GetJsonAsync($"/api/verification?email={NewEmail()}")).Data();

        Assert.Equal(1, server.Delivered);
    }

    private static string NewEmail() => $"t{Guid.NewGuid().ToString("N")[..8]}@example.com";
}
