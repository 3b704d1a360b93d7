using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MySql.Data.MySqlClient;
using Npgsql;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Hosting;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// The real gateway on a loopback port, over a fresh SQLite file or a fresh PostgreSQL or MySQL database
/// (when <c>ONEAPI_TEST_PG_DSN</c> or <c>ONEAPI_TEST_MYSQL_DSN</c> names a server), with a known root access token.
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    public const string RootAccessToken = "roottesttokenroottesttoken123456";

    private readonly WebApplication _app;
    private readonly Func<Task> _dropDatabase;

    private readonly IReadOnlyDictionary<string, string?> _settings;

    private TestGateway(WebApplication app, string baseUrl, Func<Task> dropDatabase, IReadOnlyDictionary<string, string?> settings)
    {
        _app = app;
        _settings = settings;
        _dropDatabase = dropDatabase;
        BaseUrl = baseUrl;
        Admin = new HttpClient { BaseAddress = new Uri(baseUrl) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(RootAccessToken);
        Http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    public string BaseUrl { get; }

    /// <summary>Calls <c>/api</c> as root, with the access token.</summary>
    public HttpClient Admin { get; }

    /// <summary>A plain client for relay calls; set the key per request.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>A Redis for cluster tests (<c>ONEAPI_TEST_REDIS</c>, host:port); those tests return early without it.</summary>
    public static string? RedisAddress => Environment.GetEnvironmentVariable("ONEAPI_TEST_REDIS") is { Length: > 0 } address ? address : null;

    public static string? PostgresDsn => Environment.GetEnvironmentVariable("ONEAPI_TEST_PG_DSN") is { Length: > 0 } dsn ? dsn : null;

    /// <summary>A MySQL or MariaDB server (<c>ONEAPI_TEST_MYSQL_DSN</c>, one-api's <c>user:pass@tcp(host:port)/db</c>) whose user may create databases.</summary>
    public static string? MySqlDsn => Environment.GetEnvironmentVariable("ONEAPI_TEST_MYSQL_DSN") is { Length: > 0 } dsn ? dsn : null;

    /// <summary>The databases the integration tests run on: SQLite always, PostgreSQL and MySQL when test.sh provides them.</summary>
    public static TheoryData<string> Databases()
    {
        var data = new TheoryData<string> { "sqlite" };
        if (PostgresDsn is not null)
        {
            data.Add("postgres");
        }
        if (MySqlDsn is not null)
        {
            data.Add("mysql");
        }
        return data;
    }

    /// <param name="replaceServices">Stand-ins for the gateway's services (a DNS resolver), registered after its own.</param>
    public static async Task<TestGateway> StartAsync(string database, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? replaceServices = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["PORT"] = "0",
            ["INITIAL_ROOT_ACCESS_TOKEN"] = RootAccessToken,
            ["SESSION_SECRET"] = "test-session-secret",
            // Every test calls from 127.0.0.1: one-api's per-IP limits would throttle the suite itself.
            ["GLOBAL_API_RATE_LIMIT"] = "1000000",
            ["CRITICAL_RATE_LIMIT"] = "1000000",
            // Several gateways share CI's PostgreSQL (max_connections 200) while test classes run in parallel.
            ["SQL_MAX_OPEN_CONNS"] = "20",
        };
        var scratch = await CreateDatabaseAsync(database);
        if (scratch.SqlitePath is { } path)
        {
            overrides["SQLITE_PATH"] = path;
        }
        else
        {
            overrides["SQL_DSN"] = scratch.Dsn;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        return await LaunchAsync(overrides, scratch.Drop, replaceServices);
    }

    /// <summary>A new empty database of the kind ("sqlite", "postgres", "mysql"), given as SQL_DSN takes it, and how to drop it.</summary>
    public static async Task<ScratchDatabase> CreateDatabaseAsync(string database)
    {
        switch (database)
        {
            case "postgres":
            {
                var name = "oneapi_t_" + Guid.NewGuid().ToString("N")[..12];
                var serverDsn = PostgresDsn ?? throw new InvalidOperationException("ONEAPI_TEST_PG_DSN is not set");
                await ExecuteOnPostgresAsync(serverDsn, $"CREATE DATABASE {name}");
                return new ScratchDatabase(new UriBuilder(serverDsn) { Path = "/" + name }.Uri.ToString(), null,
                    () => ExecuteOnPostgresAsync(serverDsn, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
            case "mysql":
            {
                var name = "oneapi_t_" + Guid.NewGuid().ToString("N")[..12];
                var server = DatabaseSettings.Choose(MySqlDsn ?? throw new InvalidOperationException("ONEAPI_TEST_MYSQL_DSN is not set"), "unused.db", 0);
                await ExecuteOnMySqlAsync(server.ConnectionString, $"CREATE DATABASE {name}");
                // an ADO.NET string is a valid SQL_DSN too
                return new ScratchDatabase(new MySqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString, null,
                    () => ExecuteOnMySqlAsync(server.ConnectionString, $"DROP DATABASE IF EXISTS {name}"));
            }
            default:
            {
                var directory = Directory.CreateTempSubdirectory("oneapi-test-");
                var path = Path.Combine(directory.FullName, "one-api.db");
                return new ScratchDatabase("sqlite:" + path, path, () =>
                {
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    directory.Delete(recursive: true);
                    return Task.CompletedTask;
                });
            }
        }
    }

    /// <summary>A second node on this gateway's database, with the same settings plus <paramref name="settings"/>.</summary>
    public async Task<TestGateway> StartPeerAsync(IDictionary<string, string?>? settings = null)
    {
        var overrides = new Dictionary<string, string?>(_settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }
        return await LaunchAsync(overrides, () => Task.CompletedTask);
    }

    private static async Task<TestGateway> LaunchAsync(Dictionary<string, string?> overrides, Func<Task> drop,
        Action<IServiceCollection>? replaceServices = null)
    {
        var app = GatewayApp.Build([], overrides, replaceServices);
        await GatewayApp.InitializeAsync(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        return new TestGateway(app, $"http://127.0.0.1:{port}", drop, overrides);
    }

    private static async Task ExecuteOnMySqlAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteOnPostgresAsync(string dsn, string sql)
    {
        var uri = new Uri(dsn);
        var user = uri.UserInfo.Split(':');
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
            Database = "postgres",
            Pooling = false,
        }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Drops the gateway's database under it, as an outage would take it away.</summary>
    public Task DropDatabaseAsync() => _dropDatabase();

    public async Task<OneApiDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<OneApiDbContext>>().CreateDbContextAsync();

    /// <summary>A user in its own group (so tests do not share channels) with a token; returns the relay key.</summary>
    public async Task<TestAccount> CreateAccountAsync(long userQuota = 1_000_000_000, long tokenQuota = 1_000_000_000,
        bool unlimited = false, int role = UserRole.Common, string? models = null)
    {
        var group = "g" + Guid.NewGuid().ToString("N")[..10];
        await using var db = await DbAsync();
        var user = new User
        {
            Username = group, Password = "x", DisplayName = group, Role = role, Quota = userQuota, Group = group,
            AccessToken = Guid.NewGuid().ToString("N"), AffCode = Guid.NewGuid().ToString("N")[..8],
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        var key = Auth.Keys.NewTokenKey();
        var token = new Token
        {
            UserId = user.Id, Key = key, Name = "t-" + group, ExpiredTime = -1, RemainQuota = tokenQuota,
            UnlimitedQuota = unlimited, Models = models,
        };
        db.Tokens.Add(token);
        await db.SaveChangesAsync();
        return new TestAccount(user.Id, token.Id, group, "sk-" + key);
    }

    /// <summary>Adds a channel through <c>POST /api/channel/</c> and returns its id.</summary>
    public async Task<int> CreateChannelAsync(string group, string models, string baseUrl, int type = 1, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = type, ["name"] = "ch-" + group, ["key"] = "sk-upstream-" + group, ["base_url"] = baseUrl,
            ["models"] = models, ["group"] = group,
        };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[property.Name] = property.Value;
            }
        }
        var response = await Admin.PostAsJsonAsync("/api/channel/", body);
        var envelope = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(envelope.GetProperty("success").GetBoolean(), envelope.ToString());
        await using var db = await DbAsync();
        return await db.Channels.Where(c => c.Group == group).Select(c => c.Id).MaxAsync();
    }

    /// <summary>A one-message chat request for gpt-4o-mini.</summary>
    public static string ChatRequest(bool stream = false, string model = "gpt-4o-mini") =>
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""";

    /// <summary>Posts a relay request as a client would, with <paramref name="authorization"/> as given; the answer is buffered.</summary>
    public async Task<HttpResponseMessage> RelayAsync(string? authorization, string body, string path = "/v1/chat/completions")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>Posts a transcription of a one-second WAV as a client would (multipart), buffering the answer.</summary>
    public async Task<HttpResponseMessage> TranscribeAsync(string key, string model = "whisper-1")
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(model), "model" },
            { new ByteArrayContent(TestAudio.Wav(1)), "file", "a.wav" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/transcriptions") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>Stores an option as root would and makes the running gateway use it at once.</summary>
    public async Task SetOptionAsync(string key, string value)
    {
        await using (var db = await DbAsync())
        {
            if (await db.Options.AsTracking().FirstOrDefaultAsync(o => o.Key == key) is { } option)
            {
                option.Value = value;
            }
            else
            {
                db.Options.Add(new Option { Key = key, Value = value });
            }
            await db.SaveChangesAsync();
        }
        await Services.GetRequiredService<OneApi.Server.Options.OptionStore>().ReloadAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _dropDatabase();
    }
}

/// <param name="SqlitePath">The file, for a SQLite database (SQLITE_PATH takes it as well as <paramref name="Dsn"/>).</param>
public sealed record ScratchDatabase(string Dsn, string? SqlitePath, Func<Task> Drop);

public sealed record TestAccount(int UserId, int TokenId, string Group, string Key);
