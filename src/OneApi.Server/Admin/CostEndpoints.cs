using Microsoft.EntityFrameworkCore;
using OneApi.Data;

namespace OneApi.Server.Admin;

/// <summary>Laisky's public cost lookup: what one relayed request cost, by its <c>X-Oneapi-Request-Id</c>.</summary>
public static class CostEndpoints
{
    /// <summary>Laisky converts at a fixed 500 000 quota per dollar, whatever <c>QuotaPerUnit</c> says.</summary>
    private const double QuotaPerUsd = 500_000;

    public static void MapCostEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cost/request/{request_id}", GetByRequestId).Produces<RequestCost>().WithTags("Cost");
    }

    public sealed record RequestCost(int Id, long CreatedTime, int UserId, string RequestId, long Quota, double CostUsd);

    /// <summary>The raw record, not the envelope; an unknown id is an envelope error.</summary>
    private static async Task<IResult> GetByRequestId(string request_id, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var cost = await db.UserRequestCosts.Where(c => c.RequestId == request_id).OrderBy(c => c.Id).FirstOrDefaultAsync(cancellationToken);
        return cost is null
            ? ApiResponse.Failure("no cost recorded for this request id").ToResult()
            : Results.Json(new RequestCost(cost.Id, cost.CreatedTime, cost.UserId, cost.RequestId, cost.Quota, cost.Quota / QuotaPerUsd));
    }
}
