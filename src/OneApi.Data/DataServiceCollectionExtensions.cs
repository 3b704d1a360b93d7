using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace OneApi.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers a pooled <see cref="OneApiDbContext"/> factory for the chosen database, and the
    /// <see cref="LogDatabase"/>: the one of <paramref name="logSettings"/> when given, else the same.
    /// </summary>
    public static IServiceCollection AddOneApiData(this IServiceCollection services, DatabaseSettings settings, DatabaseSettings? logSettings = null)
    {
        services.AddSingleton(settings);
        var connections = settings.Provider == DatabaseProvider.MySql ? settings.MaxOpenConnections : 0;
        connections += logSettings?.Provider == DatabaseProvider.MySql ? logSettings.MaxOpenConnections : 0;
        if (connections > 0)
        {
            ReserveThreadsForBlockingDriver(connections);
        }
        services.AddPooledDbContextFactory<OneApiDbContext>(options => Configure(options, settings));
        services.AddSingleton(sp => logSettings is null
            ? new LogDatabase(sp.GetRequiredService<IDbContextFactory<OneApiDbContext>>(), isSeparate: false)
            : new LogDatabase(new PooledDbContextFactory<OneApiDbContext>(OptionsFor(logSettings)), isSeparate: true));
        return services;
    }

    private static DbContextOptions<OneApiDbContext> OptionsFor(DatabaseSettings settings)
    {
        var builder = new DbContextOptionsBuilder<OneApiDbContext>();
        Configure(builder, settings);
        return builder.Options;
    }

    /// <summary>
    /// MySql.Data (under MySql.EntityFrameworkCore) blocks a thread-pool thread for each query and for each wait on its
    /// connection pool, even through its async methods. Under a burst the pool's slow thread injection then stalls every
    /// request (200 concurrent relay calls hung for minutes), so enough threads are made available at once.
    /// </summary>
    private static void ReserveThreadsForBlockingDriver(int maxOpenConnections)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, Math.Max(256, 2 * maxOpenConnections)), io);
    }

    public static void Configure(DbContextOptionsBuilder options, DatabaseSettings settings)
    {
        // One method per provider: the JIT loads the assemblies a method names, and a node uses one database.
        switch (settings.Provider)
        {
            case DatabaseProvider.Sqlite:
                UseSqlite(options, settings);
                break;
            case DatabaseProvider.PostgreSql:
                UsePostgreSql(options, settings);
                break;
            case DatabaseProvider.MySql:
                UseMySql(options, settings);
                break;
        }
        options.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UseSqlite(DbContextOptionsBuilder options, DatabaseSettings settings)
    {
        options.UseSqlite(settings.ConnectionString);
        options.AddInterceptors(SqlitePragmas.Instance);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UsePostgreSql(DbContextOptionsBuilder options, DatabaseSettings settings) =>
        options.UseNpgsql(new Npgsql.NpgsqlConnectionStringBuilder(settings.ConnectionString) { MaxPoolSize = settings.MaxOpenConnections }.ConnectionString);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UseMySql(DbContextOptionsBuilder options, DatabaseSettings settings)
    {
        options.UseMySQL(new MySql.Data.MySqlClient.MySqlConnectionStringBuilder(settings.ConnectionString) { MaximumPoolSize = (uint)settings.MaxOpenConnections }.ConnectionString);
        options.AddInterceptors(MySqlDeleteAliases.Instance);
    }
}
