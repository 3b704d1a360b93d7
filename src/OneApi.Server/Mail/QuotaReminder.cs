using System.Net;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Server.Admin;
using OneApi.Server.Options;

namespace OneApi.Server.Mail;

/// <summary>
/// one-api's quota reminder (<c>PreConsumeTokenQuota</c>): when a charge takes a user's quota below
/// <c>QuotaRemindThreshold</c>, or to nothing, the user is mailed once for that crossing, with a top-up link.
/// Told of charges after they are on the books; reads the balance and mails in the background, never failing a request.
/// </summary>
public sealed partial class QuotaReminder(IDbContextFactory<OneApiDbContext> databases, MailSender mail, OptionStore options, ILogger<QuotaReminder> logger)
{
    /// <summary><paramref name="amount"/> was just taken from user <paramref name="userId"/>'s quota.</summary>
    public void Charged(int userId, long amount) => Charged([(userId, amount)]);

    /// <summary>Charges just written (refunds, as negative amounts, are ignored).</summary>
    public void Charged(IEnumerable<(int UserId, long Amount)> charges)
    {
        if (!mail.IsConfigured)
        {
            return;
        }
        var perUser = charges.Where(c => c.Amount > 0).GroupBy(c => c.UserId, c => c.Amount).ToDictionary(g => g.Key, g => g.Sum());
        if (perUser.Count > 0)
        {
            _ = Task.Run(() => RemindAsync(perUser));
        }
    }

    public async Task RemindAsync(IReadOnlyDictionary<int, long> chargedPerUser)
    {
        try
        {
            var o = options.Current;
            var threshold = o.GetLong("QuotaRemindThreshold", 1000);
            var ids = chargedPerUser.Keys.ToList();
            await using var db = await databases.CreateDbContextAsync();
            var users = await db.Users.Where(u => ids.Contains(u.Id) && u.Email != "").Select(u => new { u.Id, u.Quota, u.Email }).ToListAsync();
            foreach (var user in users)
            {
                // The balance before is inferred from the one after: a charge committed in between can hide a crossing.
                var before = user.Quota + chargedPerUser[user.Id];
                var exhausted = before > 0 && user.Quota <= 0;
                if (!exhausted && !(before >= threshold && user.Quota < threshold))
                {
                    continue;
                }
                var prompt = exhausted ? "Your quota has run out" : "Your quota is running low";
                var topUp = WebUtility.HtmlEncode($"{o.Get("ServerAddress").TrimEnd('/')}/topup");
                await mail.SendAsync(user.Email, prompt,
                    $"<p>{prompt}: {WebUtility.HtmlEncode(QuotaText.Of(Math.Max(user.Quota, 0), o))} left. To keep using the service, please top up.</p>" +
                    $"<p>Top up: <a href='{topUp}'>{topUp}</a></p>", CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "could not send a quota reminder")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
