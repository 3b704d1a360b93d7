using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Relay.Abstractions;
using OneApi.Server.Auth;
using OneApi.Server.Mail;

namespace OneApi.Server.Billing;

/// <summary>
/// Reserves quota before a call and returns it after a failure. Each step is one conditional UPDATE, so concurrent
/// requests can never take a token or a user below zero: the database decides who gets the last of the quota.
/// </summary>
public sealed class QuotaReservations(IDbContextFactory<OneApiDbContext> databases, QuotaReminder reminder, TimeProvider time)
{
    /// <summary>
    /// <see cref="ReserveAsync"/>, with an unreachable database (a full connection pool, a restarting server) answered
    /// as a clean 503 the client can retry, instead of an error page.
    /// </summary>
    public async Task<(long Reserved, RelayError? Error)> TryReserveAsync(RelayCaller caller, long amount, CancellationToken cancellationToken)
    {
        try
        {
            return await ReserveAsync(caller, amount, cancellationToken);
        }
        catch (Exception e) when (e is System.Data.Common.DbException || e.InnerException is System.Data.Common.DbException)
        {
            return (0, RelayError.GatewayUnavailable());
        }
    }

    /// <summary>
    /// one-api's pre-consumption with the PR #25 rule: nothing is reserved when both the user and the token
    /// (unless unlimited) hold more than 100 times the amount; otherwise the amount is taken from both, atomically.
    /// </summary>
    private async Task<(long Reserved, RelayError? Error)> ReserveAsync(RelayCaller caller, long amount, CancellationToken cancellationToken)
    {
        if (caller.UserQuota - amount < 0)
        {
            return (0, RelayError.InsufficientQuota("user quota is not enough", "insufficient_user_quota"));
        }
        var trusted = caller.UserQuota > 100 * amount && (caller.TokenUnlimited || caller.TokenRemainQuota > 100 * amount);
        if (trusted || amount <= 0)
        {
            return (0, null);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (!caller.TokenUnlimited)
        {
            var tokenRows = await db.Tokens
                .Where(t => t.Id == caller.TokenId && t.RemainQuota >= amount)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.RemainQuota, t => t.RemainQuota - amount)
                    .SetProperty(t => t.UsedQuota, t => t.UsedQuota + amount)
                    .SetProperty(t => t.AccessedTime, now), cancellationToken);
            if (tokenRows == 0)
            {
                return (0, RelayError.InsufficientQuota("token quota is not enough", "pre_consume_token_quota_failed"));
            }
        }
        var userRows = await db.Users
            .Where(u => u.Id == caller.UserId && u.Quota >= amount)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Quota, u => u.Quota - amount), cancellationToken);
        if (userRows == 0)
        {
            if (!caller.TokenUnlimited)
            {
                await ReturnToTokenAsync(db, caller.TokenId, amount, CancellationToken.None);
            }
            return (0, RelayError.InsufficientQuota("user quota is not enough", "pre_consume_token_quota_failed"));
        }
        reminder.Charged(caller.UserId, amount);
        return (amount, null);
    }

    /// <summary>Gives a reservation back in full (the call failed before anything was used).</summary>
    public async Task RefundAsync(RelayCaller caller, long reserved)
    {
        if (reserved <= 0)
        {
            return;
        }
        await using var db = await databases.CreateDbContextAsync();
        if (!caller.TokenUnlimited)
        {
            await ReturnToTokenAsync(db, caller.TokenId, reserved, CancellationToken.None);
        }
        await db.Users.Where(u => u.Id == caller.UserId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Quota, u => u.Quota + reserved));
    }

    private static Task<int> ReturnToTokenAsync(OneApiDbContext db, int tokenId, long amount, CancellationToken cancellationToken) =>
        db.Tokens.Where(t => t.Id == tokenId).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.RemainQuota, t => t.RemainQuota + amount)
            .SetProperty(t => t.UsedQuota, t => t.UsedQuota - amount), cancellationToken);
}
