using System.Runtime.CompilerServices;
using OneApi.Server.Configuration;
using StackExchange.Redis;

namespace OneApi.Server.Cluster;

public static class ClusterServices
{
    /// <summary>With <c>REDIS_CONN_STRING</c>, nodes signal changes to each other and share rate-limit counters; without it, each node is on its own.</summary>
    public static IServiceCollection AddCluster(this IServiceCollection services, GatewaySettings settings)
    {
        if (settings.Redis is not { } redis)
        {
            services.AddSingleton<IClusterSignals, SingleNodeSignals>();
            services.AddSingleton<IWindowLimiters, LocalWindowLimiters>();
            return services;
        }
        AddRedis(services, redis);
        return services;
    }

    // Apart, so that a node without Redis never loads StackExchange.Redis.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRedis(IServiceCollection services, RedisSettings redis)
    {
        services.AddSingleton(redis);
        // AbortOnConnectFail is off: this returns at once even when Redis is down, and keeps reconnecting.
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis.Options));
        services.AddSingleton<RedisSignals>();
        services.AddSingleton<IClusterSignals>(sp => sp.GetRequiredService<RedisSignals>());
        services.AddSingleton<IWindowLimiters, RedisWindowLimiters>();
        services.AddHostedService<RedisSignalListener>();
        services.AddHostedService<RedisChannelHealth>();
    }
}
