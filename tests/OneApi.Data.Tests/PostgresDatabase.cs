using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace OneApi.Data.Tests;

/// <summary>
/// A throw-away PostgreSQL database on the server named by <c>ONEAPI_TEST_PG_DSN</c> (a one-api style
/// <c>postgres://user:pass@host:port/db</c> URL whose user may CREATE DATABASE), dropped afterwards.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    public const string DsnVariable = "ONEAPI_TEST_PG_DSN";

    private readonly string _adminConnectionString;

    private PostgresDatabase(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        Settings = new DatabaseSettings(DatabaseProvider.PostgreSql,
            new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = false }.ConnectionString);
    }

    public string Name { get; }

    public DatabaseSettings Settings { get; }

    /// <summary>A fresh database, or null when <c>ONEAPI_TEST_PG_DSN</c> is not set (the PostgreSQL tests then pass vacuously).</summary>
    public static async Task<PostgresDatabase?> CreateAsync()
    {
        var dsn = Environment.GetEnvironmentVariable(DsnVariable);
        if (string.IsNullOrWhiteSpace(dsn))
        {
            return null;
        }
        var admin = DatabaseSettings.Choose(dsn, "unused.db", 3000);
        Assert.Equal(DatabaseProvider.PostgreSql, admin.Provider);
        var database = new PostgresDatabase(admin.ConnectionString, $"oneapi_unit_{Guid.NewGuid():N}"[..28]);
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    public OneApiDbContext CreateContext()
    {
        var options = new DbContextOptionsBuilder<OneApiDbContext>();
        DataServiceCollectionExtensions.Configure(options, Settings);
        return new OneApiDbContext(options.Options);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async Task<List<string>> StringsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    public Task<List<string>> TablesAsync() =>
        StringsAsync("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");

    public Task<List<string>> ColumnsAsync(string table) =>
        StringsAsync($"SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY column_name");

    public Task<List<string>> IndexesAsync() =>
        StringsAsync("SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
