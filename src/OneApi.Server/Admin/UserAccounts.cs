using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Options;

namespace OneApi.Server.Admin;

/// <summary>
/// Creating and deleting accounts, shared by registration, the admin API and OAuth sign-up: one-api's
/// <c>User.Insert</c> (new-user quota, invitation gifts, system logs) and its soft <c>User.Delete</c>.
/// </summary>
public sealed class UserAccounts(IDbContextFactory<OneApiDbContext> databases, OptionStore options, TimeProvider time)
{
    /// <summary>What a new account is made of; the password is plain text (null for OAuth accounts, which get a random one).</summary>
    public sealed record NewUser(string Username, string? Password, string DisplayName)
    {
        public string Email { get; init; } = "";
        public int InviterId { get; init; }
        /// <summary>Sets anything else before the insert, such as an OAuth provider's id.</summary>
        public Action<User>? Customize { get; init; }
    }

    public Task<bool> UsernameTakenAsync(OneApiDbContext db, string username, CancellationToken cancellationToken) =>
        db.Users.AnyAsync(u => u.Username == username, cancellationToken);

    /// <summary>Whether another account (deleted ones included, as in one-api) has this address in any case.</summary>
    public static Task<bool> EmailTakenAsync(OneApiDbContext db, string email, int exceptUserId, CancellationToken cancellationToken)
    {
        var normalized = UserRules.NormalizeEmail(email);
        return db.Users.AnyAsync(u => u.Email.ToLower() == normalized && u.Id != exceptUserId, cancellationToken);
    }

    public async Task<int?> InviterByAffCodeAsync(OneApiDbContext db, string? affCode, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(affCode)
            ? null
            : await db.Users.Where(u => u.AffCode == affCode && u.Status != UserStatus.Deleted).Select(u => (int?)u.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Inserts the user with <c>QuotaForNewUser</c>, then pays the invitation gifts, logging each as one-api does.</summary>
    public async Task<User> CreateAsync(NewUser request, CancellationToken cancellationToken)
    {
        var o = options.Current;
        var newUserQuota = o.GetLong("QuotaForNewUser", 0);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = new User
        {
            Username = request.Username,
            Password = PasswordHash.Create(request.Password ?? Keys.Uuid()),
            DisplayName = string.IsNullOrEmpty(request.DisplayName) ? request.Username : request.DisplayName,
            Email = UserRules.NormalizeEmail(request.Email),
            Role = UserRole.Common,
            Status = UserStatus.Enabled,
            Quota = newUserQuota,
            AccessToken = Keys.Uuid(),
            AffCode = await NewAffCodeAsync(db, cancellationToken),
            InviterId = request.InviterId,
        };
        request.Customize?.Invoke(user);
        db.Users.Add(user);
        await db.SaveChangesAsync(cancellationToken);
        if (newUserQuota > 0)
        {
            await ActivityLog.AddAsync(db, time, user.Id, LogType.System, $"new user gift: {QuotaText.Of(newUserQuota, o)}", cancellationToken: cancellationToken);
        }
        if (request.InviterId != 0)
        {
            await GiftAsync(db, user.Id, o.GetLong("QuotaForInvitee", 0), "invitation code gift", cancellationToken);
            await GiftAsync(db, request.InviterId, o.GetLong("QuotaForInviter", 0), "gift for inviting a user", cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return user;
    }

    /// <summary>one-api's soft delete: status deleted and the username freed by renaming it; the user's sessions end.</summary>
    public static Task<int> SoftDeleteAsync(OneApiDbContext db, int userId, CancellationToken cancellationToken)
    {
        var freedName = "deleted_" + Keys.Uuid();
        return db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.Status, UserStatus.Deleted)
            .SetProperty(u => u.Username, freedName)
            .SetProperty(u => u.SessionVersion, u => u.SessionVersion + 1), cancellationToken);
    }

    /// <summary>A 4-character invite code no other user has.</summary>
    public static async Task<string> NewAffCodeAsync(OneApiDbContext db, CancellationToken cancellationToken)
    {
        while (true)
        {
            var code = Keys.RandomString(4);
            if (!await db.Users.AnyAsync(u => u.AffCode == code, cancellationToken))
            {
                return code;
            }
        }
    }

    private async Task GiftAsync(OneApiDbContext db, int userId, long quota, string reason, CancellationToken cancellationToken)
    {
        if (quota <= 0)
        {
            return;
        }
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Quota, u => u.Quota + quota), cancellationToken);
        await ActivityLog.AddAsync(db, time, userId, LogType.System, $"{reason}: {QuotaText.Of(quota, options.Current)}", cancellationToken: cancellationToken);
    }
}
