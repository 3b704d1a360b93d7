using System.Data.Common;

namespace OneApi.Data.Tests;

public sealed class DatabaseSettingsTests
{
    private static void AssertConnectionString(string expected, string actual)
    {
        var want = new DbConnectionStringBuilder { ConnectionString = expected };
        var got = new DbConnectionStringBuilder { ConnectionString = actual };
        Assert.True(want.EquivalentTo(got), $"expected {expected}, got {actual}");
    }

    [Fact]
    public void EmptyDsn_IsSqliteAtThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), "oneapi-data-tests", "settings", "one-api.db");

        var settings = DatabaseSettings.Choose("", path, 3000);

        Assert.Equal(DatabaseProvider.Sqlite, settings.Provider);
        var builder = new DbConnectionStringBuilder { ConnectionString = settings.ConnectionString };
        Assert.Equal(path, builder["Data Source"]);
        // SQLITE_BUSY_TIMEOUT is milliseconds; Microsoft.Data.Sqlite's Default Timeout is whole seconds.
        Assert.Equal("3", builder["Default Timeout"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void MissingDsn_IsSqlite(string? dsn)
    {
        Assert.Equal(DatabaseProvider.Sqlite, DatabaseSettings.Choose(dsn, "one-api.db", 3000).Provider);
    }

    [Theory]
    [InlineData("sqlite:{0}")]
    [InlineData("sqlite://{0}")]
    [InlineData("SQLITE:{0}")]
    public void SqliteDsn_IsSqliteAtItsPath_NotTheDefaultOne(string form)
    {
        var path = Path.Combine(Path.GetTempPath(), "oneapi-data-tests", "settings", "logs.db");

        var settings = DatabaseSettings.Choose(string.Format(System.Globalization.CultureInfo.InvariantCulture, form, path), "one-api.db", 3000);

        Assert.Equal(DatabaseProvider.Sqlite, settings.Provider);
        Assert.Equal(path, new DbConnectionStringBuilder { ConnectionString = settings.ConnectionString }["Data Source"]);
    }

    [Fact]
    public void SqliteBusyTimeout_RoundsUpToSeconds()
    {
        var settings = DatabaseSettings.Choose("", "one-api.db", 1500);

        Assert.Equal("2", new DbConnectionStringBuilder { ConnectionString = settings.ConnectionString }["Default Timeout"]);
    }

    [Fact]
    public void PostgresUrl_IsPostgreSqlWithEveryPart()
    {
        var settings = DatabaseSettings.Choose("postgres://u:p@h:5433/db?sslmode=disable", "one-api.db", 3000);

        Assert.Equal(DatabaseProvider.PostgreSql, settings.Provider);
        AssertConnectionString("Host=h;Port=5433;Username=u;Password=p;Database=db;SSL Mode=Disable", settings.ConnectionString);
    }

    [Fact]
    public void PostgresUrl_WithoutPortAndWithEscapedPassword_UsesDefaultPortAndUnescapes()
    {
        var settings = DatabaseSettings.Choose("postgresql://one%40api:p%3Bw%3Dd@db.example.com/oneapi", "one-api.db", 3000);

        Assert.Equal(DatabaseProvider.PostgreSql, settings.Provider);
        AssertConnectionString("Host=db.example.com;Port=5432;Username=one@api;Password=\"p;w=d\";Database=oneapi", settings.ConnectionString);
    }

    [Theory]
    [InlineData("require", "Require")]
    [InlineData("verify-full", "VerifyFull")]
    [InlineData("prefer", "Prefer")]
    public void PostgresUrl_SslMode_IsTranslated(string sslmode, string expected)
    {
        var settings = DatabaseSettings.Choose($"postgres://u:p@h/db?sslmode={sslmode}", "one-api.db", 3000);

        Assert.Equal(expected, new DbConnectionStringBuilder { ConnectionString = settings.ConnectionString }["SSL Mode"]);
    }

    [Fact]
    public void GoMySqlDsn_IsMySqlWithEveryPart()
    {
        var settings = DatabaseSettings.Choose("root:pw@tcp(localhost:3306)/oneapi?charset=utf8mb4", "one-api.db", 3000);

        Assert.Equal(DatabaseProvider.MySql, settings.Provider);
        AssertConnectionString("Server=localhost;Port=3306;User ID=root;Password=pw;Database=oneapi", settings.ConnectionString);
    }

    [Fact]
    public void GoMySqlDsn_WithoutPort_UsesDefaultPort()
    {
        var settings = DatabaseSettings.Choose("oneapi:secret@tcp(mysql)/one-api?parseTime=true", "one-api.db", 3000);

        AssertConnectionString("Server=mysql;Port=3306;User ID=oneapi;Password=secret;Database=one-api", settings.ConnectionString);
    }

    [Fact]
    public void GoMySqlDsn_WithoutAddress_UsesLocalDefault()
    {
        // go-sql-driver/mysql: "[user[:password]@][net[(addr)]]/dbname"; no address means 127.0.0.1:3306.
        var settings = DatabaseSettings.Choose("root:pw@/oneapi", "one-api.db", 3000);

        Assert.Equal(DatabaseProvider.MySql, settings.Provider);
        AssertConnectionString("Server=127.0.0.1;Port=3306;User ID=root;Password=pw;Database=oneapi", settings.ConnectionString);
    }

    [Fact]
    public void GoMySqlDsn_PasswordWithAt_SplitsAtTheLastAt()
    {
        var settings = DatabaseSettings.Choose("root:p@ss@tcp(10.0.0.5:3306)/oneapi", "one-api.db", 3000);

        AssertConnectionString("Server=10.0.0.5;Port=3306;User ID=root;Password=p@ss;Database=oneapi", settings.ConnectionString);
    }

    [Fact]
    public void GoMySqlDsn_UnixSocket_UsesUnixProtocol()
    {
        var settings = DatabaseSettings.Choose("root:pw@unix(/var/run/mysqld/mysqld.sock)/oneapi", "one-api.db", 3000);

        AssertConnectionString("Server=/var/run/mysqld/mysqld.sock;Protocol=unix;User ID=root;Password=pw;Database=oneapi", settings.ConnectionString);
    }

    [Theory]
    [InlineData("Server=db;Port=3307;User ID=root;Password=pw;Database=oneapi")]
    [InlineData("Server=db;User ID=root;Password=a@b/c;Database=oneapi")]
    public void AdoNetMySqlString_IsPassedThrough(string dsn)
    {
        var settings = DatabaseSettings.Choose(dsn, "one-api.db", 3000);

        Assert.Equal(DatabaseProvider.MySql, settings.Provider);
        Assert.Equal(dsn, settings.ConnectionString);
    }
}
