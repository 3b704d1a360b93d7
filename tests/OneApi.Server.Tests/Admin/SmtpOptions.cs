using System.Globalization;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

public static class SmtpOptions
{
    /// <summary>Points the gateway's <c>SMTP*</c> options at a mail server on 127.0.0.1.</summary>
    public static async Task MailThroughAsync(this TestGateway gateway, int port)
    {
        await gateway.SetOptionAsync("SMTPServer", "127.0.0.1");
        await gateway.SetOptionAsync("SMTPPort", port.ToString(CultureInfo.InvariantCulture));
        await gateway.SetOptionAsync("SMTPFrom", "noreply@oneapi.test");
    }
}
