using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Auth;

namespace OneApi.Server.Admin;

/// <summary>Redemption codes for admins: batches of single-use keys worth a fixed quota.</summary>
public static class RedemptionEndpoints
{
    private const int MaxNameLength = 20;
    private const int MaxBatch = 100;

    public static void MapRedemptionEndpoints(this IEndpointRouteBuilder app)
    {
        var redemptions = app.MapGroup("/api/redemption").RequireRole(UserRole.Admin).WithTags("Redemption");
        redemptions.MapGet("/", List);
        redemptions.MapGet("/search", Search);
        redemptions.MapGet("/{id:int}", Get);
        redemptions.MapPost("/", Create);
        redemptions.MapPut("/", Update);
        redemptions.MapDelete("/{id:int}", Delete);
    }

    public sealed record NewRedemptions(string? Name, int? Count, long? Quota);

    public sealed record RedemptionInput(int? Id, string? Name, long? Quota, int? Status);

    private static async Task<ApiResponse<List<Redemption>>> List(int? p, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return ApiResponse.Done(await db.Redemptions.OrderByDescending(r => r.Id).Skip(Paging.Offset(p)).Take(Paging.PageSize).ToListAsync(cancellationToken));
    }

    private static async Task<ApiResponse<List<Redemption>>> Search(string? keyword, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        keyword ??= "";
        var id = int.TryParse(keyword, out var parsed) ? parsed : -1;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return ApiResponse.Done(await db.Redemptions.Where(r => r.Id == id || r.Name.StartsWith(keyword))
            .OrderByDescending(r => r.Id).Take(Paging.MaxSearchResults).ToListAsync(cancellationToken));
    }

    private static async Task<ApiResponse<Redemption>> Get(int id, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var redemption = await db.Redemptions.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return redemption is null ? ApiResponse.Failure("redemption not found") : ApiResponse.Done(redemption);
    }

    /// <summary>Creates <c>count</c> codes and answers with their keys, the only time they are listed together.</summary>
    private static async Task<ApiResponse<IEnumerable<string>>> Create(NewRedemptions? input, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            return ApiResponse.Failure("invalid parameters");
        }
        if (NameProblem(input.Name) is { } problem)
        {
            return ApiResponse.Failure(problem);
        }
        if (input.Count is not (> 0 and <= MaxBatch))
        {
            return ApiResponse.Failure($"count must be from 1 to {MaxBatch}");
        }
        if (input.Quota is < 0)
        {
            return ApiResponse.Failure("quota cannot be negative");
        }
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var created = Enumerable.Range(0, input.Count.Value).Select(_ => new Redemption
        {
            UserId = context.Caller().Id,
            Key = Keys.Uuid(),
            Name = input.Name!,
            Quota = input.Quota ?? 100,
            CreatedTime = now,
        }).ToList();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.Redemptions.AddRange(created);
        await db.SaveChangesAsync(cancellationToken);
        return ApiResponse.Done(created.Select(r => r.Key));
    }

    /// <summary><c>?status_only=1</c> changes the status alone; otherwise name and quota.</summary>
    private static async Task<ApiResponse<Redemption>> Update(RedemptionInput? input, string? status_only, IDbContextFactory<OneApiDbContext> databases,
        CancellationToken cancellationToken)
    {
        if (input?.Id is not { } id)
        {
            return ApiResponse.Failure("id is required");
        }
        var statusOnly = !string.IsNullOrEmpty(status_only);
        if (statusOnly && input.Status is not (RedemptionStatus.Enabled or RedemptionStatus.Disabled))
        {
            return ApiResponse.Failure("status must be 1 (enabled) or 2 (disabled)");
        }
        if (!statusOnly && (NameProblem(input.Name) is { } problem))
        {
            return ApiResponse.Failure(problem);
        }
        if (input.Quota is < 0)
        {
            return ApiResponse.Failure("quota cannot be negative");
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var redemption = await db.Redemptions.AsTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (redemption is null)
        {
            return ApiResponse.Failure("redemption not found");
        }
        if (statusOnly)
        {
            if (redemption.Status == RedemptionStatus.Used)
            {
                return ApiResponse.Failure("the code has been used");
            }
            redemption.Status = input.Status!.Value;
        }
        else
        {
            redemption.Name = input.Name!;
            redemption.Quota = input.Quota ?? redemption.Quota;
        }
        await db.SaveChangesAsync(cancellationToken);
        return ApiResponse.Done(redemption);
    }

    private static async Task<ApiResponse> Delete(int id, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var deleted = await db.Redemptions.Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? ApiResponse.Failure("redemption not found") : ApiResponse.Done();
    }

    private static string? NameProblem(string? name) =>
        name is not { Length: > 0 and <= MaxNameLength } ? $"name must be 1 to {MaxNameLength} characters" : null;
}
