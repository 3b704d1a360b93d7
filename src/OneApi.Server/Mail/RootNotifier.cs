using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;

namespace OneApi.Server.Mail;

/// <summary>Tells root about events that need an operator (a channel switched off), by email when SMTP is set up, as one-api does.</summary>
public sealed partial class RootNotifier(IDbContextFactory<OneApiDbContext> databases, MailSender mail, ILogger<RootNotifier> logger)
{
    /// <summary>Sends in the background: a request that triggered the notice does not wait for the mail server.</summary>
    public void Notify(string subject, string text) => _ = Task.Run(() => SendAsync(subject, text));

    public async Task SendAsync(string subject, string text)
    {
        if (!mail.IsConfigured)
        {
            return;
        }
        try
        {
            await using var db = await databases.CreateDbContextAsync();
            var email = await db.Users.Where(u => u.Role == UserRole.Root && u.Email != "").OrderBy(u => u.Id)
                .Select(u => u.Email).FirstOrDefaultAsync();
            if (email is null)
            {
                return;
            }
            await mail.SendAsync(email, subject, $"<p>{System.Net.WebUtility.HtmlEncode(text)}</p>", CancellationToken.None);
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "could not notify root")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
