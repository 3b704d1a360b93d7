using Microsoft.EntityFrameworkCore.Infrastructure;

namespace OneApi.Data;

/// <summary>
/// Which database a context talks to, by provider name. The providers' own <c>IsNpgsql()</c>/<c>IsMySql()</c> live in
/// their assemblies, so calling them loads Npgsql and MySql.Data into every node, SQLite ones included.
/// </summary>
public static class DatabaseProviders
{
    private const string Sqlite = "Microsoft.EntityFrameworkCore.Sqlite";
    private const string Npgsql = "Npgsql.EntityFrameworkCore.PostgreSQL";
    private const string MySql = "MySql.EntityFrameworkCore";

    public static bool IsSqlite(DatabaseFacade database) => database.ProviderName == Sqlite;

    public static bool IsNpgsql(DatabaseFacade database) => database.ProviderName == Npgsql;

    public static bool IsMySql(DatabaseFacade database) => database.ProviderName == MySql;
}
