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
    [InlineData("REDIS_CONN_STRING", "redis://host:port")]
    [InlineData("REDIS_CONN_STRING", "http://localhost:6379")]
    [InlineData("REDIS_CONN_STRING", "redis://localhost:6379/zero")]
    [InlineData("REDIS_CONN_STRING", "password=only")]
    [InlineData("REDIS_CONN_STRING", "localhost:6379,nosuchoption=1")]
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
        Assert.True(settings.EnforceIncludeUsage); // one-api's newest default
        Assert.Equal(TimeSpan.FromSeconds(30), settings.DisconnectUsageWait);
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

    [Theory]
    [InlineData(null, 300)]
    [InlineData("20", 20)]
    public void ReplicatePollTimeout_DefaultsToFiveMinutes(string? value, int seconds)
    {
        var settings = value is null ? Read() : Read(("REPLICATE_POLL_TIMEOUT", value));

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.ReplicatePollTimeout);
    }

    [Fact]
    public void Redis_IsOffWithoutAConnectionString()
    {
        Assert.Null(Read().Redis);
    }

    [Theory]
    [InlineData("redis://localhost:6379", "localhost", 6379, null, null, -1, false)]
    [InlineData("redis://:s3cret@cache.internal:6380/2", "cache.internal", 6380, null, "s3cret", 2, false)]
    [InlineData("rediss://app:p%40ss@cache.internal/1", "cache.internal", 6379, "app", "p@ss", 1, true)]
    [InlineData("redis-a:7000,password=pw,defaultDatabase=3", "redis-a", 7000, null, "pw", 3, false)]
    public void RedisConnectionString_AcceptsOneApiUrlsAndStackExchangeStrings(string value, string host, int port,
        string? user, string? password, int db, bool ssl)
    {
        var redis = Read(("REDIS_CONN_STRING", value)).Redis!;

        var endpoint = Assert.IsType<System.Net.DnsEndPoint>(Assert.Single(redis.Options.EndPoints));
        Assert.Equal((host, port), (endpoint.Host, endpoint.Port));
        Assert.Equal((user, password, ssl), (redis.Options.User, redis.Options.Password, redis.Options.Ssl));
        Assert.Equal(db, redis.Options.DefaultDatabase ?? -1);
        Assert.Equal("oneapi:", redis.KeyPrefix);
        Assert.False(redis.Options.AbortOnConnectFail);
    }

    [Fact]
    public void RedisPasswordAndMasterName_OverrideTheConnectionString()
    {
        var redis = Read(("REDIS_CONN_STRING", "redis://:old@sentinel:26379"), ("REDIS_PASSWORD", "new"),
            ("REDIS_MASTER_NAME", "mymaster"), ("REDIS_KEY_PREFIX", "edge:")).Redis!;

        Assert.Equal(("new", "mymaster", "edge:"), (redis.Options.Password, redis.Options.ServiceName, redis.KeyPrefix));
    }
}
