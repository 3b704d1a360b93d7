using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using MySql.Data.MySqlClient;
using Npgsql;

namespace OneApi.Data.Tests;

/// <summary>
/// A throw-away database on a real server, dropped afterwards: PostgreSQL named by <c>ONEAPI_TEST_PG_DSN</c>
/// (<c>postgres://user:pass@host:port/db</c>) or MySQL/MariaDB named by <c>ONEAPI_TEST_MYSQL_DSN</c>
/// (<c>user:pass@tcp(host:port)/db</c>), whose user may CREATE DATABASE.
/// </summary>
internal abstract class ServerDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    protected ServerDatabase(DatabaseSettings admin, string name)
    {
        _adminConnectionString = admin.ConnectionString;
        Name = name;
        Settings = new DatabaseSettings(admin.Provider, WithDatabase(admin.ConnectionString, name));
    }

    public string Name { get; }

    public DatabaseSettings Settings { get; }

    /// <summary>A fresh database on the server of <paramref name="dsnVariable"/>, or null when it is not set (the test then passes vacuously).</summary>
    protected static async Task<T?> CreateAsync<T>(string dsnVariable, DatabaseProvider provider, Func<DatabaseSettings, T> create)
        where T : ServerDatabase
    {
        var dsn = Environment.GetEnvironmentVariable(dsnVariable);
        if (string.IsNullOrWhiteSpace(dsn))
        {
            return null;
        }
        var admin = DatabaseSettings.Choose(dsn, "unused.db", 3000);
        Assert.Equal(provider, admin.Provider);
        var database = create(admin);
        await database.RunAsync(database._adminConnectionString, $"CREATE DATABASE {database.Quote(database.Name)}");
        return database;
    }

    protected abstract DbConnection Connect(string connectionString);

    protected abstract string WithDatabase(string connectionString, string database);

    protected abstract string Quote(string identifier);

    protected abstract string DropDatabaseSql { get; }

    protected abstract void ClearPools();

    public abstract Task<List<string>> TablesAsync();

    public abstract Task<List<string>> ColumnsAsync(string table);

    public abstract Task<List<string>> IndexesAsync();

    public OneApiDbContext CreateContext()
    {
        var options = new DbContextOptionsBuilder<OneApiDbContext>();
        DataServiceCollectionExtensions.Configure(options, Settings);
        return new OneApiDbContext(options.Options);
    }

    public Task ExecuteAsync(string sql) => RunAsync(Settings.ConnectionString, sql);

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync(Settings.ConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public async Task<List<string>> StringsAsync(string sql)
    {
        await using var connection = await OpenAsync(Settings.ConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    public async ValueTask DisposeAsync()
    {
        ClearPools();
        await RunAsync(_adminConnectionString, string.Format(System.Globalization.CultureInfo.InvariantCulture, DropDatabaseSql, Quote(Name)));
    }

    private async Task<DbConnection> OpenAsync(string connectionString)
    {
        var connection = Connect(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task RunAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

internal sealed class PostgresDatabase(DatabaseSettings admin) : ServerDatabase(admin, $"oneapi_unit_{Guid.NewGuid():N}"[..28])
{
    public static Task<PostgresDatabase?> CreateAsync() =>
        CreateAsync("ONEAPI_TEST_PG_DSN", DatabaseProvider.PostgreSql, admin => new PostgresDatabase(admin));

    protected override DbConnection Connect(string connectionString) => new NpgsqlConnection(connectionString);

    protected override string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database, Pooling = false }.ConnectionString;

    protected override string Quote(string identifier) => $"\"{identifier}\"";

    protected override string DropDatabaseSql => "DROP DATABASE IF EXISTS {0} WITH (FORCE)";

    protected override void ClearPools() => NpgsqlConnection.ClearAllPools();

    public override Task<List<string>> TablesAsync() =>
        StringsAsync("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");

    public override Task<List<string>> ColumnsAsync(string table) =>
        StringsAsync($"SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY column_name");

    public override Task<List<string>> IndexesAsync() =>
        StringsAsync("SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");
}

internal sealed class MySqlDatabase(DatabaseSettings admin) : ServerDatabase(admin, $"oneapi_unit_{Guid.NewGuid():N}"[..28])
{
    public static Task<MySqlDatabase?> CreateAsync() =>
        CreateAsync("ONEAPI_TEST_MYSQL_DSN", DatabaseProvider.MySql, admin => new MySqlDatabase(admin));

    protected override DbConnection Connect(string connectionString) => new MySqlConnection(connectionString);

    protected override string WithDatabase(string connectionString, string database) =>
        new MySqlConnectionStringBuilder(connectionString) { Database = database, Pooling = false }.ConnectionString;

    protected override string Quote(string identifier) => $"`{identifier}`";

    protected override string DropDatabaseSql => "DROP DATABASE IF EXISTS {0}";

    protected override void ClearPools() => MySqlConnection.ClearAllPools();

    public override Task<List<string>> TablesAsync() =>
        StringsAsync("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY BINARY table_name");

    public override Task<List<string>> ColumnsAsync(string table) =>
        StringsAsync($"SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{table}' ORDER BY BINARY column_name");

    /// <summary>Index names but the primary keys' (MySQL names them all <c>PRIMARY</c>).</summary>
    public override Task<List<string>> IndexesAsync() =>
        StringsAsync("SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name <> 'PRIMARY' ORDER BY BINARY index_name");

    /// <summary>The column's type as the server reports it, e.g. <c>varchar(191)</c>.</summary>
    public async Task<string> ColumnTypeAsync(string table, string column) =>
        (await StringsAsync($"SELECT column_type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{table}' AND column_name = '{column}'")).Single();
}
