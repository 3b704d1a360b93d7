using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Billing;
using OneApi.Server.Channels;
using OneApi.Server.Options;

namespace OneApi.Server.Admin;

/// <summary>
/// Two views the console adds to one-api's pages: the public price list (from the ratios of the models that enabled
/// channels serve) and each channel's recent health.
/// </summary>
public static class ConsoleInsightEndpoints
{
    private const long Day = 24 * 60 * 60;

    public static void MapConsoleInsightEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/pricing", Pricing).WithTags("Catalog");
        app.MapGet("/api/channel/status", ChannelHealth).RequireRole(UserRole.Admin).WithTags("Channel");
    }

    public sealed record ModelPrice(string Model, double ModelRatio, double CompletionRatio);

    public sealed record PricingView(IReadOnlyList<ModelPrice> Models, IReadOnlyDictionary<string, double> GroupRatios);

    public sealed record ChannelHealthView(
        int Id, string Name, int Status, int RecentCalls, int RecentSuccesses,
        [property: JsonPropertyName("requests_24h")] int Requests24H,
        [property: JsonPropertyName("average_latency_ms_24h")] double AverageLatencyMs24H,
        long TestTime, int ResponseTime);

    private static ApiResponse<PricingView> Pricing(OptionStore options, RoutingTableStore routing)
    {
        var current = options.Current;
        var groups = current.GroupRatios.Keys.Append("default").Distinct();
        var models = groups.SelectMany(g => routing.Current.ModelsFor(g)).Distinct().Order(StringComparer.Ordinal)
            .Select(model =>
            {
                var quote = PriceQuote.For(current, model, 0, ["default"]);
                return new ModelPrice(model, quote.ModelRatio, quote.CompletionRatio);
            })
            .ToList();
        return ApiResponse.Done(new PricingView(models, current.GroupRatios));
    }

    private static async Task<ApiResponse<IEnumerable<ChannelHealthView>>> ChannelHealth(IDbContextFactory<OneApiDbContext> databases, LogDatabase logs, ChannelRecentOutcomes outcomes,
        TimeProvider time, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var logDb = await logs.CreateDbContextAsync(cancellationToken);
        var since = time.GetUtcNow().ToUnixTimeSeconds() - Day;
        var calls = await logDb.Logs.AsNoTracking()
            .Where(l => l.Type == LogType.Consume && l.CreatedAt >= since)
            .GroupBy(l => l.ChannelId)
            .Select(g => new { ChannelId = g.Key, Count = g.Count(), Latency = g.Average(l => (double)l.ElapsedTime) })
            .ToDictionaryAsync(g => g.ChannelId, cancellationToken);
        var channels = await db.Channels.AsNoTracking().OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Name, c.Status, c.TestTime, c.ResponseTime })
            .ToListAsync(cancellationToken);
        return ApiResponse.Done(channels.Select(c =>
        {
            var (recent, successes) = outcomes.Of(c.Id);
            var day = calls.GetValueOrDefault(c.Id);
            return new ChannelHealthView(c.Id, c.Name, c.Status, recent, successes, day?.Count ?? 0, day?.Latency ?? 0, c.TestTime, c.ResponseTime);
        }));
    }
}
