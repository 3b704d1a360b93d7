using System.Diagnostics.Metrics;
using System.Globalization;
using OneApi.Server.Billing;
using OneApi.Server.Hosting;

namespace OneApi.Server.Observability;

/// <summary>
/// The relay's own instruments, on the meter <see cref="MeterName"/> (exported at <c>/metrics</c> when
/// <c>ENABLE_PROMETHEUS_METRICS</c> is on). Static, as the relay's hot path calls them: instruments cost nothing
/// while no exporter listens.
/// </summary>
public static class GatewayMetrics
{
    public const string MeterName = "OneApi.Server";

    private static readonly Meter Meter = new(MeterName, CommandLine.Version);

    private static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "oneapi.request.duration", "s", "Requests to the gateway and how long they took, per route, method and status");

    private static readonly Histogram<double> UpstreamDuration = Meter.CreateHistogram<double>(
        "oneapi.upstream.duration", "s", "Time until an upstream answered with its status and headers, per channel and model");

    private static readonly Counter<long> UpstreamErrors = Meter.CreateCounter<long>(
        "oneapi.upstream.errors", null, "Upstream calls that failed (an error status, a timeout, a refused connection), per channel, model and status");

    private static readonly Counter<long> Tokens = Meter.CreateCounter<long>(
        "oneapi.tokens", null, "Tokens billed, per model and type (prompt or completion)");

    private static readonly Counter<long> Quota = Meter.CreateCounter<long>(
        "oneapi.quota", null, "Quota charged, per channel and model");

    private static readonly UpDownCounter<long> ActiveStreams = Meter.CreateUpDownCounter<long>(
        "oneapi.streams.active", null, "Streams being relayed now");

    /// <summary>Middleware: times every request, labelled with its route pattern (not its path, which may hold ids).</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            RequestDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
                new("route", route), new("method", context.Request.Method),
                new("status", context.Response.StatusCode.ToString(CultureInfo.InvariantCulture)));
        }
    });

    /// <summary>One upstream call's outcome: <paramref name="failedStatus"/> is null when the upstream answered 2xx.</summary>
    public static void UpstreamAnswered(UpstreamTarget target, TimeSpan elapsed, int? failedStatus)
    {
        var channel = new KeyValuePair<string, object?>("channel", target.ChannelId.ToString(CultureInfo.InvariantCulture));
        var model = new KeyValuePair<string, object?>("model", target.Model);
        UpstreamDuration.Record(elapsed.TotalSeconds, channel, model, new("outcome", failedStatus is null ? "ok" : "error"));
        if (failedStatus is { } status)
        {
            UpstreamErrors.Add(1, channel, model, new("status", status.ToString(CultureInfo.InvariantCulture)));
        }
    }

    public static void Settled(Settlement settlement)
    {
        var model = new KeyValuePair<string, object?>("model", settlement.ModelName);
        Tokens.Add(settlement.PromptTokens, model, new("type", "prompt"));
        Tokens.Add(settlement.CompletionTokens, model, new("type", "completion"));
        Quota.Add(settlement.Quota, new("channel", settlement.ChannelId.ToString(CultureInfo.InvariantCulture)), model);
    }

    /// <summary>Counts a stream as active until the returned scope is disposed.</summary>
    public static StreamScope StreamOpened()
    {
        ActiveStreams.Add(1);
        return default;
    }

    public readonly struct StreamScope : IDisposable
    {
        public void Dispose() => ActiveStreams.Add(-1);
    }
}

/// <summary>Which channel and model an upstream call is for, as metrics and traces label it.</summary>
public sealed record UpstreamTarget(int ChannelId, string Model);
