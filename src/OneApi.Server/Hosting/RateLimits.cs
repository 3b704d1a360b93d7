using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;
using OneApi.Server.Cluster;
using OneApi.Server.Configuration;
using OneApi.Server.Relay;

namespace OneApi.Server.Hosting;

/// <summary>
/// one-api's limits: <c>/api</c> and the console per client IP over 180 s, login/registration/reset per IP over
/// 20 minutes, and optionally relay calls per token (<see cref="Auth.RelayRateLimiter"/>, once the key is authenticated). A refused request gets 429 and <c>Retry-After</c>.
/// Counted in Redis when it is configured (so the limits hold across nodes), else per node in memory: see <see cref="IWindowLimiters"/>.
/// </summary>
public static class RateLimits
{
    public const string Critical = "critical";
    internal static readonly TimeSpan Window = TimeSpan.FromSeconds(180);

    /// <summary>What a client over a limit is told (with <c>Retry-After</c>).</summary>
    internal static readonly RelayError TooManyRequests =
        new(RelayErrorKind.InvalidRequest, 429, "too many requests, please slow down", "rate_limit_error", "rate_limit_exceeded");
    private static readonly TimeSpan CriticalWindow = TimeSpan.FromMinutes(20);

    public static IServiceCollection AddOneApiRateLimits(this IServiceCollection services, GatewaySettings settings)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IWindowLimiters>((limiter, windows) =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, settings, windows));
            limiter.AddPolicy(Critical, context => FixedWindow(windows, "critical:" + ClientIp(context), settings.CriticalRateLimit, CriticalWindow));
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, GatewaySettings settings, IWindowLimiters windows)
    {
        var path = context.Request.Path;
        if (Relay.RelayPaths.Contains(path))
        {
            // Counted per token once the key is authenticated (RelayRateLimiter): a header is not an identity.
            return RateLimitPartition.GetNoLimiter("relay");
        }
        return path.StartsWithSegments("/api") || path.StartsWithSegments("/dashboard")
            ? FixedWindow(windows, "api:" + ClientIp(context), settings.ApiRateLimit, Window)
            : FixedWindow(windows, "web:" + ClientIp(context), settings.WebRateLimit, Window);
    }

    private static RateLimitPartition<string> FixedWindow(IWindowLimiters windows, string key, int permits, TimeSpan window) =>
        RateLimitPartition.Get(key, partition => windows.Create(partition, permits, window));

    private static string ClientIp(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var response = rejected.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        SetRetryAfter(response, rejected.Lease);
        response.ContentType = "application/json";
        await response.Body.WriteAsync(OpenAIError.Serialize(TooManyRequests, rejected.HttpContext.RequestId()), cancellationToken);
    }

    internal static void SetRetryAfter(HttpResponse response, RateLimitLease refused)
    {
        var retryAfter = refused.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
        response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }
}
