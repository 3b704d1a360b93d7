using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OneApi.Server.Configuration;
using OneApi.Server.Options;

namespace OneApi.Server.Mail;

/// <summary>
/// Sends one-api's emails (verification codes, reset links, notices to root) over SMTP with the <c>SMTP*</c> options
/// as they are at the time of sending. Port 465 is implicit TLS; other ports must offer STARTTLS, and the server's
/// certificate is verified: codes and reset links never cross the network in the clear. <c>SMTP_ALLOW_INSECURE</c>
/// restores one-api's ways (STARTTLS when offered, certificates checked only with <c>FORCE_EMAIL_TLS_VERIFY</c>).
/// </summary>
public sealed partial class MailSender(OptionStore options, GatewaySettings settings, ILogger<MailSender> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public bool IsConfigured => options.Current.Get("SMTPServer") != "";

    /// <summary>Sends an HTML email; returns the problem when it could not be sent (the address is never logged).</summary>
    public async Task<string?> SendAsync(string to, string subject, string html, CancellationToken cancellationToken)
    {
        var o = options.Current;
        var server = o.Get("SMTPServer");
        if (server == "")
        {
            return "SMTP is not configured";
        }
        var account = o.Get("SMTPAccount");
        var from = o.Get("SMTPFrom") is { Length: > 0 } configuredFrom ? configuredFrom : account;
        var port = (int)o.GetLong("SMTPPort", 587);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(o.Get("SystemName"), from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("html") { Text = html };

        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        if (!settings.SmtpVerifyCertificates)
        {
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        }
        try
        {
            await client.ConnectAsync(server, port, SecurityFor(port), cancellationToken);
            if (account != "" && client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            {
                await client.AuthenticateAsync(account, o.Get("SMTPToken"), cancellationToken);
            }
            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
            return null;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or SmtpCommandException or SmtpProtocolException
                                       or AuthenticationException or SslHandshakeException or OperationCanceledException
                                       or NotSupportedException) // MailKit's answer to a server without STARTTLS when TLS is required
        {
            LogFailed(logger, server, port, e.GetType().Name, e.Message);
            return "the email could not be sent";
        }
    }

    private SecureSocketOptions SecurityFor(int port) => port == 465 ? SecureSocketOptions.SslOnConnect
        : settings.SmtpAllowInsecure ? SecureSocketOptions.StartTlsWhenAvailable
        : SecureSocketOptions.StartTls;

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "sending mail through {Server}:{Port} failed: {Kind} {Reason}")]
    private static partial void LogFailed(ILogger logger, string server, int port, string kind, string reason);
}
