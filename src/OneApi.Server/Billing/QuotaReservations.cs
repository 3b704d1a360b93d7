using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Relay.Abstractions;
using OneApi.Server.Auth;
using OneApi.Server.Mail;

namespace OneApi.Server.Billing;

/// <summary>
/// Reserves quota before a call and returns it after a failure. Each step is one conditional UPDATE, so concurrent
/// requests can never reserve more than a token or a user holds: the database decides who gets the last of it.
/// </summary>
public sealed class QuotaReservations(IDbContextFactory<OneApiDbContext> databases, QuotaReminder reminder, TimeProvider time)
{
    /// <summary>
    /// one-api's "trusted" shortcut skips the reservation for callers holding over this many times its amount. Here
    /// the multiple applies to everything this node has let through unreserved and not yet settled for the caller, so
    /// parallel requests cannot add up to more than a hundredth of the balance.
    /// </summary>
    public const long TrustMultiple = 100;

    private readonly ConcurrentDictionary<int, long> _userExposure = new();
    private readonly ConcurrentDictionary<int, long> _tokenExposure = new();
    private long _held;

    /// <summary>Reservations taken and not yet disposed of: the billed requests in flight on this node.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>
    /// <see cref="ReserveAsync"/>, with an unreachable database (a full connection pool, a restarting server) answered
    /// as a clean 503 the client can retry, instead of an error page.
    /// </summary>
    public async Task<(Reservation? Reservation, RelayError? Error)> TryReserveAsync(RelayCaller caller, long amount, CancellationToken cancellationToken)
    {
        try
        {
            return await ReserveAsync(caller, amount, cancellationToken);
        }
        catch (Exception e) when (e is System.Data.Common.DbException || e.InnerException is System.Data.Common.DbException)
        {
            return (null, RelayError.GatewayUnavailable());
        }
    }

    /// <summary>
    /// Refuses a caller with nothing left (or in debt), then either trusts the caller for <paramref name="amount"/> or
    /// takes it from both the user and the token (unless unlimited), atomically.
    /// </summary>
    private async Task<(Reservation? Reservation, RelayError? Error)> ReserveAsync(RelayCaller caller, long amount, CancellationToken cancellationToken)
    {
        if (caller.UserQuota <= 0)
        {
            return (null, RelayError.InsufficientQuota("user quota is not enough", "insufficient_user_quota"));
        }
        if (!caller.TokenUnlimited && caller.TokenRemainQuota <= 0)
        {
            return (null, RelayError.InsufficientQuota("token quota is not enough", "insufficient_token_quota"));
        }
        if (caller.UserQuota < amount)
        {
            return (null, RelayError.InsufficientQuota("user quota is not enough", "insufficient_user_quota"));
        }
        if (amount <= 0)
        {
            return (new Reservation(this, caller, 0, 0), null);
        }
        if (TryTrust(caller, amount))
        {
            return (new Reservation(this, caller, 0, amount), null);
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
                return (null, RelayError.InsufficientQuota("token quota is not enough", "pre_consume_token_quota_failed"));
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
            return (null, RelayError.InsufficientQuota("user quota is not enough", "pre_consume_token_quota_failed"));
        }
        reminder.Charged(caller.UserId, amount);
        return (new Reservation(this, caller, amount, 0), null);
    }

    /// <summary>Admits the request unreserved when the balance covers a hundred times all such requests in flight here.</summary>
    private bool TryTrust(RelayCaller caller, long amount)
    {
        var userTotal = _userExposure.AddOrUpdate(caller.UserId, amount, (_, held) => held + amount);
        var tokenTotal = caller.TokenUnlimited ? 0 : _tokenExposure.AddOrUpdate(caller.TokenId, amount, (_, held) => held + amount);
        if (userTotal <= caller.UserQuota / TrustMultiple && (caller.TokenUnlimited || tokenTotal <= caller.TokenRemainQuota / TrustMultiple))
        {
            return true;
        }
        Release(caller, amount);
        return false;
    }

    private void Release(RelayCaller caller, long exposure)
    {
        Release(_userExposure, caller.UserId, exposure);
        if (!caller.TokenUnlimited)
        {
            Release(_tokenExposure, caller.TokenId, exposure);
        }
    }

    /// <summary>Lowers one caller's exposure; an entry back at zero is dropped, so the maps hold only callers in flight.</summary>
    private static void Release(ConcurrentDictionary<int, long> exposures, int id, long exposure)
    {
        if (exposures.AddOrUpdate(id, 0, (_, held) => held - exposure) == 0)
        {
            exposures.TryRemove(new KeyValuePair<int, long>(id, 0));
        }
    }

    /// <summary>Gives a reservation back in full (the call failed before anything was used).</summary>
    public async Task RefundAsync(RelayCaller caller, Reservation reservation)
    {
        var reserved = reservation.Amount;
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

    /// <summary>
    /// What one admitted request holds: <see cref="Amount"/> taken from the balances (settled or refunded later), or an
    /// unreserved <see cref="Exposure"/> that counts against the trusted shortcut until the request is disposed of.
    /// </summary>
    public sealed class Reservation : IDisposable
    {
        private readonly QuotaReservations _owner;
        private readonly RelayCaller _caller;
        private int _released;

        public Reservation(QuotaReservations owner, RelayCaller caller, long amount, long exposure)
        {
            (_owner, _caller, Amount, Exposure) = (owner, caller, amount, exposure);
            Interlocked.Increment(ref owner._held);
        }

        public long Amount { get; }

        public long Exposure { get; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }
            Interlocked.Decrement(ref _owner._held);
            if (Exposure > 0)
            {
                _owner.Release(_caller, Exposure);
            }
        }
    }
}
