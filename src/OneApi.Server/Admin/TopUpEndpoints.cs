using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Options;

namespace OneApi.Server.Admin;

/// <summary>Adding quota: a user redeeming a code, or an admin crediting a user. Both write a top-up log.</summary>
public static class TopUpEndpoints
{
    public static void MapTopUpEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/user/topup", Redeem).RequireRole(UserRole.Common).WithTags("User");
        app.MapPost("/api/topup", AdminTopUp).RequireRole(UserRole.Admin).WithTags("User administration");
    }

    public sealed record RedeemInput(string? Key);

    public sealed record AdminTopUpInput(int? UserId, long? Quota, string? Remark);

    /// <summary>
    /// Spends the code and credits its quota in one transaction. The status flip is a conditional UPDATE, so two
    /// concurrent redemptions of one code cannot both succeed.
    /// </summary>
    private static async Task<ApiResponse<long?>> Redeem(RedeemInput? input, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        OptionStore options, TimeProvider time, CancellationToken cancellationToken)
    {
        var key = input?.Key?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            return ApiResponse.Failure("enter a redemption code");
        }
        var userId = context.Caller().Id;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var redemption = await db.Redemptions.FirstOrDefaultAsync(r => r.Key == key, cancellationToken);
        if (redemption is null)
        {
            return ApiResponse.Failure("invalid redemption code");
        }
        var spent = await db.Redemptions.Where(r => r.Id == redemption.Id && r.Status == RedemptionStatus.Enabled)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RedemptionStatus.Used).SetProperty(r => r.RedeemedTime, now), cancellationToken);
        if (spent == 0)
        {
            return ApiResponse.Failure(redemption.Status == RedemptionStatus.Disabled ? "the redemption code is disabled" : "the redemption code has been used");
        }
        await CreditAsync(db, userId, redemption.Quota, cancellationToken);
        await ActivityLog.AddAsync(db, time, userId, LogType.Topup,
            $"redeemed a code for {QuotaText.Of(redemption.Quota, options.Current)}", redemption.Quota, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ApiResponse.Done<long?>(redemption.Quota);
    }

    /// <summary>
    /// Laisky's admin top-up; the remark, when given, is the log text. As with every other change to a user, an admin
    /// credits only users below its role, so not itself nor a fellow admin: only root hands out quota freely.
    /// </summary>
    private static async Task<ApiResponse> AdminTopUp(AdminTopUpInput? input, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        OptionStore options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (input?.UserId is not { } userId || input.Quota is not { } quota)
        {
            return ApiResponse.Failure("user_id and quota are required");
        }
        if (quota <= 0)
        {
            return ApiResponse.Failure("quota must be positive");
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var role = await db.Users.Where(u => u.Id == userId && u.Status != UserStatus.Deleted).Select(u => (int?)u.Role).FirstOrDefaultAsync(cancellationToken);
        if (role is null)
        {
            return ApiResponse.Failure("user not found");
        }
        if (!UserRules.CanManage(context.Caller().Role, role.Value))
        {
            return ApiResponse.Failure("no permission to top up a user of the same or a higher role");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await CreditAsync(db, userId, quota, cancellationToken) == 0)
        {
            return ApiResponse.Failure("user not found");
        }
        var remark = string.IsNullOrWhiteSpace(input.Remark) ? $"topped up through the API: {QuotaText.Of(quota, options.Current)}" : input.Remark;
        await ActivityLog.AddAsync(db, time, userId, LogType.Topup, remark, quota, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ApiResponse.Done();
    }

    private static Task<int> CreditAsync(OneApiDbContext db, int userId, long quota, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.Id == userId && u.Status != UserStatus.Deleted)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Quota, u => u.Quota + quota), cancellationToken);
}
