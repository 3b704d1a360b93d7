using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OneApi.Data.Tests;

/// <summary>A SQLite database file in a fresh temporary folder, opened the way the server opens it, deleted afterwards.</summary>
internal sealed class SqliteFile : IDisposable
{
    private readonly string _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "oneapi-data-tests", Guid.NewGuid().ToString("N"));

    public SqliteFile()
    {
        Directory.CreateDirectory(_directory);
        Path = System.IO.Path.Combine(_directory, "one-api.db");
        Settings = DatabaseSettings.Choose("", Path, 3000);
    }

    public string Path { get; }

    public DatabaseSettings Settings { get; }

    /// <param name="sqlLog">Receives the text of every command EF runs.</param>
    public OneApiDbContext CreateContext(ICollection<string>? sqlLog = null)
    {
        var options = new DbContextOptionsBuilder<OneApiDbContext>();
        DataServiceCollectionExtensions.Configure(options, Settings);
        if (sqlLog is not null)
        {
            options.LogTo(sqlLog.Add, [RelationalEventId.CommandExecuted]);
        }
        return new OneApiDbContext(options.Options);
    }

    /// <summary>A plain connection, as a legacy writer (or a test) would use, outside EF.</summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        return connection;
    }

    public void Execute(string sql)
    {
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public object? Scalar(string sql)
    {
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public IReadOnlyList<string> Strings(string sql)
    {
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    public IReadOnlyList<string> Tables() =>
        Strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");

    public IReadOnlyList<string> Indexes(string table) =>
        Strings($"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' AND name NOT LIKE 'sqlite_%' ORDER BY name");

    /// <summary>PRAGMA table_info: column name → (declared type, not null, default).</summary>
    public IReadOnlyDictionary<string, (string Type, bool NotNull, string? Default)> Columns(string table)
    {
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA table_info(\"{table}\")";
        using var reader = command.ExecuteReader();
        var columns = new Dictionary<string, (string, bool, string?)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            columns[reader.GetString(1)] = (reader.GetString(2), reader.GetInt64(3) != 0, reader.IsDBNull(4) ? null : reader.GetString(4));
        }
        return columns;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the test; the temp folder is cleaned by the OS.
        }
    }
}
