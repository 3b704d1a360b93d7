namespace OneApi.Data;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
    MySql,
}

/// <summary>Which database to open, chosen as one-api chooses it from <c>SQL_DSN</c> and <c>SQLITE_PATH</c>.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    /// <summary>
    /// The most connections this process opens to a PostgreSQL or MySQL server (one-api's <c>SQL_MAX_OPEN_CONNS</c>).
    /// PostgreSQL refuses clients past its <c>max_connections</c> (100 by default), so the pool must stay below it.
    /// </summary>
    public int MaxOpenConnections { get; init; } = 100;

    private const string SqliteScheme = "sqlite:";

    /// <param name="sqlDsn">
    /// <c>postgres://…</c> → PostgreSQL; <c>sqlite:PATH</c> → that SQLite file (our addition: one-api has no DSN form
    /// for SQLite, which a <c>LOG_SQL_DSN</c> beside a SQLite main database needs); any other non-empty value → a MySQL
    /// DSN (Go or ADO.NET form); empty → SQLite at <paramref name="sqlitePath"/>.
    /// </param>
    public static DatabaseSettings Choose(string? sqlDsn, string sqlitePath, int sqliteBusyTimeoutMs)
    {
        if (string.IsNullOrWhiteSpace(sqlDsn))
        {
            return new(DatabaseProvider.Sqlite, SqliteConnectionString(sqlitePath, sqliteBusyTimeoutMs));
        }
        if (sqlDsn.StartsWith(SqliteScheme, StringComparison.OrdinalIgnoreCase))
        {
            var path = sqlDsn[SqliteScheme.Length..];
            // sqlite:///abs/path and sqlite://rel/path as well as sqlite:/abs/path and sqlite:rel/path
            return new(DatabaseProvider.Sqlite, SqliteConnectionString(path.StartsWith("//", StringComparison.Ordinal) ? path[2..] : path, sqliteBusyTimeoutMs));
        }
        if (sqlDsn.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            sqlDsn.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new(DatabaseProvider.PostgreSql, DsnTranslator.PostgresUrlToConnectionString(sqlDsn));
        }
        return new(DatabaseProvider.MySql, DsnTranslator.MySqlDsnToConnectionString(sqlDsn));
    }

    private static string SqliteConnectionString(string path, int busyTimeoutMs)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        CreatePrivately(path);
        // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout (seconds) runs out.
        var timeoutSeconds = Math.Max(1, (int)Math.Ceiling(busyTimeoutMs / 1000.0));
        return $"Data Source={path};Default Timeout={timeoutSeconds};Pooling=True";
    }

    /// <summary>
    /// A new database file is made readable by its owner only (0600): it holds password hashes, relay keys and
    /// channel keys. SQLite gives the <c>-wal</c> and <c>-shm</c> files the database file's mode. An existing file
    /// keeps the mode its operator chose.
    /// </summary>
    private static void CreatePrivately(string path)
    {
        if (OperatingSystem.IsWindows() || path == ":memory:" || path.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
        }
    }
}
