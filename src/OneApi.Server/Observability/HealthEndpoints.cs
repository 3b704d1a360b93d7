using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Server.Configuration;
using StackExchange.Redis;

namespace OneApi.Server.Observability;

/// <summary>
/// <c>GET /healthz</c>: the process answers (liveness). <c>GET /readyz</c>: it should get traffic (readiness): 503 while
/// the database or Redis cannot be reached, or while the node drains before stopping. Neither is rate limited.
/// </summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok")).DisableRateLimiting().ExcludeFromDescription();
        app.MapGet("/readyz", ReadyAsync).DisableRateLimiting().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ReadyAsync(Drain drain, IDbContextFactory<OneApiDbContext> databases, GatewaySettings settings, IServiceProvider services, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var database = await DatabaseAnswersAsync(databases, timeout.Token);
        var redis = settings.Redis is null ? (bool?)null : await RedisAnswersAsync(services);
        var ready = database && redis != false && !drain.Draining;
        var body = new ReadinessView(ready, State(database), redis is { } up ? State(up) : "off", drain.Draining);
        return Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static string State(bool up) => up ? "ok" : "unreachable";

    private static async Task<bool> DatabaseAnswersAsync(IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            return await db.Database.CanConnectAsync(cancellationToken);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    // Apart, so that only a node with Redis loads StackExchange.Redis.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<bool> RedisAnswersAsync(IServiceProvider services)
    {
        var multiplexer = services.GetRequiredService<IConnectionMultiplexer>();
        if (!multiplexer.IsConnected)
        {
            return false;
        }
        try
        {
            await multiplexer.GetDatabase().PingAsync();
            return true;
        }
        catch (RedisException)
        {
            return false;
        }
    }

    private sealed record ReadinessView(bool Ready, string Database, string Redis, bool Draining);
}
