using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using OneApi.Server.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OneApi.Server.Observability;

/// <summary>
/// OpenTelemetry: metrics exported for Prometheus at <c>/metrics</c> (<c>ENABLE_PROMETHEUS_METRICS</c>, behind
/// <c>METRICS_TOKEN</c> when set), traces sent to the OTLP endpoint of the standard <c>OTEL_EXPORTER_OTLP_*</c>
/// variables when one is set.
/// </summary>
public static class GatewayTelemetry
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, GatewaySettings settings, IConfiguration configuration)
    {
        if (settings.PrometheusMetrics || settings.OtlpTraces)
        {
            AddOpenTelemetry(services, settings, configuration);
        }
        return services;
    }

    // Methods that name OpenTelemetry's types run only when it is on, so a node without it never loads its assemblies.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddOpenTelemetry(IServiceCollection services, GatewaySettings settings, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? "one-api", serviceVersion: Hosting.CommandLine.Version));
        if (settings.PrometheusMetrics)
        {
            services.AddSingleton<ChannelStatusGauge>();
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(GatewayMetrics.MeterName, "Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        }
        if (settings.OtlpTraces)
        {
            // ASP.NET Core's request span is the relay span's parent: listening to it makes it sampled (and it carries
            // a caller's traceparent), else the sampler drops the relay span as the child of an unsampled parent.
            telemetry.WithTracing(tracing => tracing.AddSource("Microsoft.AspNetCore", GatewayTracing.SourceName).AddOtlpExporter());
        }
    }

    /// <summary>Maps <c>/metrics</c> (when on) and puts the relay span around <c>/v1</c> requests.</summary>
    public static WebApplication UseGatewayTelemetry(this WebApplication app, GatewaySettings settings)
    {
        app.UseRelaySpans();
        if (!settings.PrometheusMetrics)
        {
            return app;
        }
        app.Services.GetRequiredService<ChannelStatusGauge>();
        app.UseRequestMetrics();
        if (settings.MetricsToken is { } token)
        {
            var expected = Encoding.UTF8.GetBytes("Bearer " + token);
            app.UseWhen(context => context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal), branch => branch.Use((context, next) =>
            {
                var given = Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
                if (CryptographicOperations.FixedTimeEquals(given, expected))
                {
                    return next(context);
                }
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            }));
        }
        MapMetrics(app);
        return app;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MapMetrics(WebApplication app) => app.MapPrometheusScrapingEndpoint(MetricsPath).DisableRateLimiting();
}
