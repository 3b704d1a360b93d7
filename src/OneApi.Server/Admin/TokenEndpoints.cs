using System.Net;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Options;
using OneApi.Server.Relay;

namespace OneApi.Server.Admin;

/// <summary>A user's own relay keys. Nobody sees or changes another user's tokens here.</summary>
public static class TokenEndpoints
{
    private const int MaxNameLength = 30;

    public static void MapTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/token").RequireRole(UserRole.Common).WithTags("Token");
        tokens.MapGet("/", List);
        tokens.MapGet("/search", Search);
        tokens.MapGet("/{id:int}", Get);
        tokens.MapPost("/", Create);
        tokens.MapPut("/", Update);
        tokens.MapDelete("/{id:int}", Delete);
        app.MapPost("/api/token/consume", Consume).RequireRelayKey().WithTags("Token");
    }

    public sealed record ConsumeInput(long? AddUsedQuota, string? AddReason);

    public sealed record TokenInput(int? Id, string? Name, long? ExpiredTime, long? RemainQuota, bool? UnlimitedQuota,
        string? Models, string? Subnet, int? Status);

    private static async Task<ApiResponse<List<Token>>> List(int? p, string? order, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var mine = db.Tokens.Where(t => t.UserId == context.Caller().Id);
        var ordered = order switch
        {
            "remain_quota" => mine.OrderByDescending(t => t.RemainQuota),
            "used_quota" => mine.OrderByDescending(t => t.UsedQuota),
            _ => mine.OrderByDescending(t => t.Id),
        };
        return ApiResponse.Done(await ordered.Skip(Paging.Offset(p)).Take(Paging.PageSize).ToListAsync(cancellationToken));
    }

    private static async Task<ApiResponse<List<Token>>> Search(string? keyword, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        CancellationToken cancellationToken)
    {
        keyword ??= "";
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var found = await db.Tokens.Where(t => t.UserId == context.Caller().Id && t.Name.StartsWith(keyword))
            .OrderByDescending(t => t.Id).ToListAsync(cancellationToken);
        return ApiResponse.Done(found);
    }

    private static async Task<ApiResponse<Token>> Get(int id, HttpContext context, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var token = await db.Tokens.FirstOrDefaultAsync(t => t.Id == id && t.UserId == context.Caller().Id, cancellationToken);
        return token is null ? ApiResponse.Failure("token not found") : ApiResponse.Done(token);
    }

    private static async Task<ApiResponse<Token>> Create(TokenInput? input, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            return ApiResponse.Failure("invalid parameters");
        }
        if (Validate(input) is { } problem)
        {
            return ApiResponse.Failure(problem);
        }
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var token = new Token
        {
            UserId = context.Caller().Id,
            Key = Keys.NewTokenKey(),
            Name = input.Name ?? "",
            CreatedTime = now,
            AccessedTime = now,
            ExpiredTime = input.ExpiredTime ?? -1,
            RemainQuota = input.RemainQuota ?? 0,
            UnlimitedQuota = input.UnlimitedQuota ?? false,
            Models = string.IsNullOrWhiteSpace(input.Models) ? null : input.Models,
            Subnet = input.Subnet ?? "",
        };
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.Tokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return ApiResponse.Done(token);
    }

    private static async Task<ApiResponse<Token>> Update(TokenInput? input, string? status_only, HttpContext context,
        IDbContextFactory<OneApiDbContext> databases, TimeProvider time, CancellationToken cancellationToken)
    {
        if (input?.Id is not { } id)
        {
            return ApiResponse.Failure("id is required");
        }
        if (Validate(input) is { } problem)
        {
            return ApiResponse.Failure(problem);
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var token = await db.Tokens.AsTracking().FirstOrDefaultAsync(t => t.Id == id && t.UserId == context.Caller().Id, cancellationToken);
        if (token is null)
        {
            return ApiResponse.Failure("token not found");
        }
        var statusOnly = !string.IsNullOrEmpty(status_only);
        if (!statusOnly)
        {
            token.Name = input.Name ?? token.Name;
            token.ExpiredTime = input.ExpiredTime ?? token.ExpiredTime;
            token.RemainQuota = input.RemainQuota ?? token.RemainQuota;
            token.UnlimitedQuota = input.UnlimitedQuota ?? token.UnlimitedQuota;
            token.Models = string.IsNullOrWhiteSpace(input.Models) ? null : input.Models;
            token.Subnet = input.Subnet ?? token.Subnet;
        }
        if (input.Status is { } status && status != token.Status)
        {
            if (status == TokenStatus.Enabled)
            {
                var now = time.GetUtcNow().ToUnixTimeSeconds();
                if (token.ExpiredTime != -1 && token.ExpiredTime <= now)
                {
                    return ApiResponse.Failure("the token has expired and cannot be enabled; change its expiry or set it to never expire first");
                }
                if (!token.UnlimitedQuota && token.RemainQuota <= 0)
                {
                    return ApiResponse.Failure("the token's quota is used up and it cannot be enabled; raise its quota or make it unlimited first");
                }
            }
            token.Status = status;
        }
        await db.SaveChangesAsync(cancellationToken);
        return ApiResponse.Done(token);
    }

    private static async Task<ApiResponse> Delete(int id, HttpContext context, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var deleted = await db.Tokens.Where(t => t.Id == id && t.UserId == context.Caller().Id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? ApiResponse.Failure("token not found") : ApiResponse.Done();
    }

    /// <summary>
    /// Laisky's report of spend made elsewhere, with the token's own key: the token pays (its user's quota does not
    /// change, as in Laisky) and a consume log names the reason. The debit is one conditional UPDATE, so a report
    /// larger than what remains is refused even under concurrency.
    /// </summary>
    private static async Task<ApiResponse<Token>> Consume(ConsumeInput? input, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        OptionStore options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (input?.AddUsedQuota is not > 0 || input.AddUsedQuota > uint.MaxValue)
        {
            return ApiResponse.Failure("add_used_quota must be a positive whole number");
        }
        if (string.IsNullOrWhiteSpace(input.AddReason))
        {
            return ApiResponse.Failure("add_reason cannot be empty");
        }
        var caller = context.RelayCaller();
        var amount = input.AddUsedQuota.Value;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var debited = await db.Tokens
            .Where(t => t.Id == caller.TokenId && t.Status == TokenStatus.Enabled && (t.UnlimitedQuota || t.RemainQuota >= amount))
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.RemainQuota, t => t.UnlimitedQuota ? t.RemainQuota : t.RemainQuota - amount)
                .SetProperty(t => t.UsedQuota, t => t.UsedQuota + amount)
                .SetProperty(t => t.AccessedTime, now), cancellationToken);
        if (debited == 0)
        {
            return ApiResponse.Failure("the token's remaining quota is not enough");
        }
        var runtime = options.Current;
        if (runtime.LogConsumeEnabled)
        {
            db.Logs.Add(new Log
            {
                UserId = caller.UserId,
                Username = caller.Username,
                CreatedAt = now,
                Type = LogType.Consume,
                Content = $"External ({input.AddReason}) consumed {QuotaText.Of(amount, runtime)}",
                TokenName = caller.TokenName,
                ModelName = input.AddReason,
                Quota = (int)Math.Min(amount, int.MaxValue),
                RequestId = context.RequestId(),
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return ApiResponse.Done(await db.Tokens.FirstAsync(t => t.Id == caller.TokenId, cancellationToken));
    }

    private static string? Validate(TokenInput input)
    {
        if (input.Name is { Length: > MaxNameLength })
        {
            return "token name is too long";
        }
        if (input.RemainQuota is < 0)
        {
            return "remain_quota cannot be negative";
        }
        if (input.Status is { } status && status is < TokenStatus.Enabled or > TokenStatus.Exhausted)
        {
            return "invalid status";
        }
        foreach (var subnet in (input.Subnet ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPNetwork.TryParse(subnet, out _) && !IPAddress.TryParse(subnet, out _))
            {
                return $"invalid subnet {subnet}";
            }
        }
        return null;
    }
}
