using Microsoft.Extensions.Configuration;
using OneApi.Data;
using OneApi.Server.Configuration;

namespace OneApi.Server.Tests.Core;

public sealed class GatewaySettingsTests
{
    private static GatewaySettings Read(params (string Key, string Value)[] env) =>
        GatewaySettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(env.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)))
            .Build());

    [Theory]
    [InlineData("PORT", "eighty")]
    [InlineData("PORT", "70000")]
    [InlineData("SQLITE_BUSY_TIMEOUT", "-1")]
    [InlineData("RELAY_TIMEOUT", "1.5")]
    [InlineData("ENFORCE_INCLUDE_USAGE", "maybe")]
    [InlineData("SESSION_SECRET", "random_string")]
    [InlineData("INITIAL_ROOT_TOKEN", "has spaces in it")]
    [InlineData("INITIAL_ROOT_ACCESS_TOKEN", "0123456789012345678901234567890123456789")]
    [InlineData("SYNC_FREQUENCY", "0")]
    public void InvalidValue_StopsTheStartNamingTheVariable(string variable, string value)
    {
        var error = Assert.Throws<InvalidSettingException>(() => Read((variable, value)));

        Assert.Equal(variable, error.Variable);
        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_MatchOneApi()
    {
        var settings = Read(("SQLITE_PATH", Path.Combine(Path.GetTempPath(), "oneapi-settings-test.db")));

        Assert.Equal(3000, settings.Port);
        Assert.Equal(DatabaseProvider.Sqlite, settings.Database.Provider);
        Assert.Null(settings.RelayTimeout);
        Assert.False(settings.EnforceIncludeUsage);
        Assert.Equal(32, settings.SessionSecret.Length);
    }

    [Fact]
    public void Values_AreReadFromOneApisVariables()
    {
        var settings = Read(
            ("PORT", "8080"), ("SQL_DSN", "postgres://u:p@db:5432/oneapi"), ("RELAY_TIMEOUT", "30"),
            ("ENFORCE_INCLUDE_USAGE", "true"), ("INITIAL_ROOT_TOKEN", "sk-abc123"), ("SESSION_SECRET", "c2VjcmV0"));

        Assert.Equal(8080, settings.Port);
        Assert.Equal(DatabaseProvider.PostgreSql, settings.Database.Provider);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.RelayTimeout);
        Assert.True(settings.EnforceIncludeUsage);
        Assert.Equal("abc123", settings.InitialRootToken);
        Assert.Equal("secret"u8.ToArray(), settings.SessionSecret);
    }
}
