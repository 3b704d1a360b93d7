using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OneApi.Data.Tests;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Core;

/// <summary>A SQLite file written by one-api (GORM) serves as it is: its root logs in, its keys relay, its ledger grows.</summary>
public sealed class LegacyDatabaseServerTests : IAsyncLifetime
{
    private const string Key = "Ab12Cd34Ef56Gh78A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6";
    private FakeOpenAIUpstream _upstream = null!;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("oneapi-legacy-");

    private string DatabasePath => Path.Combine(_directory.FullName, "one-api.db");

    public async Task InitializeAsync() => _upstream = await FakeOpenAIUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private void WriteOneApiFile()
    {
        // Go's bcrypt writes $2a$ hashes of cost 10.
        var rootHash = BCrypt.Net.BCrypt.HashPassword("123456", BCrypt.Net.BCrypt.GenerateSalt(10, 'a'));
        var rows = $"""
            INSERT INTO `users` VALUES (1,'root','{rootHash}','Root User',100,1,'','','','','','0123456789abcdef0123456789abcdef',500000000000000,0,0,'default','Ab3x',0);
            INSERT INTO `tokens` VALUES (1,1,'{Key}',1,'legacy key',1700000000,1700000100,-1,100000,0,0,NULL,'');
            INSERT INTO `channels` VALUES (1,1,'sk-proj-abc',1,'openai',0,1700000000,0,0,'{_upstream.BaseUrl("legacy", "ok")}','',0,0,'gpt-4o-mini','default',0,'',0,NULL,NULL);
            INSERT INTO `abilities` VALUES ('default','gpt-4o-mini',1,1,0);
            INSERT INTO `options` VALUES ('QuotaPerUnit','500000'),('Notice',NULL);
            INSERT INTO `logs` VALUES (1,1,1700000000,2,'model ratio 2.50','root','legacy key','gpt-4o',1234,19,10,1,'old-request',850,1,0);
            """;
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = GormSqliteSchema.Current + rows;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task OneApiSqliteFile_LoginRelayAndBillingWorkUnchanged()
    {
        WriteOneApiFile();
        await using var gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?> { ["SQLITE_PATH"] = DatabasePath });

        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(gateway.BaseUrl) };
        var login = await (await browser.PostAsJsonAsync("/api/user/login", new { username = "root", password = "123456" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(login.GetProperty("success").GetBoolean(), login.ToString());

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", "sk-" + Key);
        using var response = await gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await using var db = await gateway.DbAsync();
        Assert.Equal(2, db.Logs.Count());
        Assert.Equal(100_000 - 3, db.Tokens.Single(t => t.Id == 1).RemainQuota);
        Assert.Equal("0123456789abcdef0123456789abcdef", db.Users.Single(u => u.Id == 1).AccessToken);
    }
}
