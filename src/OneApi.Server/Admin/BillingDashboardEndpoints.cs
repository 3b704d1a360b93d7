using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Server.Auth;
using OneApi.Server.Options;

namespace OneApi.Server.Admin;

/// <summary>
/// OpenAI's legacy billing routes, which chat clients call with the relay key to show a balance. With
/// <c>DisplayTokenStatEnabled</c> the figures are the key's own, otherwise its user's; in dollars when
/// <c>DisplayInCurrencyEnabled</c>.
/// </summary>
public static class BillingDashboardEndpoints
{
    /// <summary>What one-api reports as the limit of an unlimited key.</summary>
    private const double UnlimitedAmount = 100_000_000;

    public static void MapBillingDashboardEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in (string[])["/dashboard/billing", "/v1/dashboard/billing"])
        {
            var billing = app.MapGroup(prefix).RequireRelayKey().WithTags("Billing dashboard");
            billing.MapGet("/subscription", Subscription).Produces<SubscriptionAnswer>();
            billing.MapGet("/usage", Usage).Produces<UsageAnswer>();
        }
    }

    public sealed record SubscriptionAnswer(string Object, bool HasPaymentMethod, double SoftLimitUsd, double HardLimitUsd,
        double SystemHardLimitUsd, long AccessUntil);

    public sealed record UsageAnswer(string Object, double TotalUsage);

    private static async Task<IResult> Subscription(HttpContext context, IDbContextFactory<OneApiDbContext> databases, OptionStore options,
        CancellationToken cancellationToken)
    {
        var (remain, used, expires, unlimited) = await FiguresAsync(context.RelayCaller(), databases, options.Current, cancellationToken);
        var amount = unlimited ? UnlimitedAmount : InUnits(remain + used, options.Current);
        return Results.Json(new SubscriptionAnswer("billing_subscription", true, amount, amount, amount, Math.Max(0, expires)));
    }

    /// <summary>The total is in cents, as OpenAI's was.</summary>
    private static async Task<IResult> Usage(HttpContext context, IDbContextFactory<OneApiDbContext> databases, OptionStore options,
        CancellationToken cancellationToken)
    {
        var (_, used, _, _) = await FiguresAsync(context.RelayCaller(), databases, options.Current, cancellationToken);
        return Results.Json(new UsageAnswer("list", InUnits(used, options.Current) * 100));
    }

    private static async Task<(long Remain, long Used, long Expires, bool Unlimited)> FiguresAsync(RelayCaller caller,
        IDbContextFactory<OneApiDbContext> databases, RuntimeOptions options, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (options.GetBool("DisplayTokenStatEnabled"))
        {
            var token = await db.Tokens.FirstAsync(t => t.Id == caller.TokenId, cancellationToken);
            return (token.RemainQuota, token.UsedQuota, token.ExpiredTime, token.UnlimitedQuota);
        }
        var user = await db.Users.FirstAsync(u => u.Id == caller.UserId, cancellationToken);
        return (user.Quota, user.UsedQuota, 0, false);
    }

    private static double InUnits(long quota, RuntimeOptions options) =>
        options.GetBool("DisplayInCurrencyEnabled") ? quota / options.QuotaPerUnit : quota;
}
