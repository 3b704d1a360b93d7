using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace OneApi.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers a pooled <see cref="OneApiDbContext"/> factory for the chosen database.</summary>
    public static IServiceCollection AddOneApiData(this IServiceCollection services, DatabaseSettings settings)
    {
        services.AddSingleton(settings);
        services.AddPooledDbContextFactory<OneApiDbContext>(options => Configure(options, settings));
        return services;
    }

    public static void Configure(DbContextOptionsBuilder options, DatabaseSettings settings)
    {
        switch (settings.Provider)
        {
            case DatabaseProvider.Sqlite:
                options.UseSqlite(settings.ConnectionString);
                options.AddInterceptors(SqlitePragmas.Instance);
                break;
            case DatabaseProvider.PostgreSql:
                options.UseNpgsql(new Npgsql.NpgsqlConnectionStringBuilder(settings.ConnectionString) { MaxPoolSize = settings.MaxOpenConnections }.ConnectionString);
                break;
            case DatabaseProvider.MySql:
                options.UseMySQL(new MySql.Data.MySqlClient.MySqlConnectionStringBuilder(settings.ConnectionString) { MaximumPoolSize = (uint)settings.MaxOpenConnections }.ConnectionString);
                break;
        }
        options.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
    }
}
