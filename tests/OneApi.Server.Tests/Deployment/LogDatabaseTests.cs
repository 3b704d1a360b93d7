using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Admin;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Deployment;

/// <summary><c>LOG_SQL_DSN</c>: the <c>logs</c> table in a database of its own, as one-api's <c>LOG_DB</c>.</summary>
public sealed class LogDatabaseTests
{
    /// <summary>gpt-4o-mini at ratio 0.075 × (11 + 7 × 4) tokens, rounded up.</summary>
    private const int ChatQuota = 3;

    private static readonly TimeSpan ShipWait = TimeSpan.FromSeconds(20);

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task LogSqlDsn_LogsLandInTheLogDatabase_AndTheLogRoutesReadThem(string database)
    {
        await using var upstream = await FakeOpenAIUpstream.StartAsync();
        var logStore = await TestGateway.CreateDatabaseAsync(database);
        try
        {
            await using var gateway = await TestGateway.StartAsync(database, new Dictionary<string, string?> { ["LOG_SQL_DSN"] = logStore.Dsn });
            var account = await gateway.CreateAccountAsync();
            await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", upstream.BaseUrl(account.Group, "ok"));
            var requestId = await gateway.ChatAsync(account.Key);
            (await gateway.Admin.PostJsonAsync("/api/topup", new { user_id = account.UserId, quota = 1000, remark = "bonus" })).Data();

            var consume = await WaitForRowAsync(gateway.Admin, $"/api/log/?type={LogType.Consume}&username={account.Group}");
            Assert.Equal((requestId, ChatQuota), (consume.GetProperty("request_id").GetString(), consume.GetProperty("quota").GetInt32()));
            var topup = await WaitForRowAsync(gateway.Admin, $"/api/log/?type={LogType.Topup}&username={account.Group}");
            Assert.Equal("bonus", topup.GetProperty("content").GetString());
            using var client = await gateway.ClientForAsync(account.UserId);
            Assert.Equal(2, (await client.GetJsonAsync("/api/log/self")).Data().GetArrayLength());
            Assert.Equal(ChatQuota, (await client.GetJsonAsync("/api/log/self/stat")).Data().GetProperty("quota").GetInt64());

            await using (var main = await gateway.DbAsync())
            {
                Assert.False(await main.Logs.AnyAsync(l => l.UserId == account.UserId));
                Assert.Equal(ChatQuota, await main.Users.Where(u => u.Id == account.UserId).Select(u => u.UsedQuota).SingleAsync());
            }
            await using (var logs = Open(logStore))
            {
                var rows = await logs.Logs.Where(l => l.UserId == account.UserId).OrderBy(l => l.Id).ToListAsync();
                Assert.Equal(new[] { (LogType.Consume, requestId), (LogType.Topup, "") }, rows.Select(l => (l.Type, l.RequestId)));
                // only the logs table: one-api migrates nothing else into LOG_DB
                await Assert.ThrowsAnyAsync<DbException>(() => logs.Users.AnyAsync());
            }
        }
        finally
        {
            await logStore.Drop();
        }
    }

    [Fact]
    public async Task LogSqlDsn_RowsLeftInTheMainDatabase_AreShippedAndDeletedThere()
    {
        var logStore = await TestGateway.CreateDatabaseAsync("sqlite");
        try
        {
            await using var gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?> { ["LOG_SQL_DSN"] = logStore.Dsn });
            var marker = "left-by-a-crash-" + Guid.NewGuid().ToString("N")[..8];
            await using (var main = await gateway.DbAsync())
            {
                // as a node that stopped after committing a charge and before shipping its log leaves it
                main.Logs.Add(new Log { UserId = 1, Type = LogType.System, Content = marker, CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds() });
                await main.SaveChangesAsync();
            }

            var shipped = await WaitForRowAsync(gateway.Admin, $"/api/log/search?keyword={marker}");
            Assert.Equal(LogType.System, shipped.GetProperty("type").GetInt32());
            await using var after = await gateway.DbAsync();
            Assert.False(await after.Logs.AnyAsync(l => l.Content == marker));
        }
        finally
        {
            await logStore.Drop();
        }
    }

    /// <summary>The log database opened on its own, not through the gateway.</summary>
    private static OneApiDbContext Open(ScratchDatabase store)
    {
        var options = new DbContextOptionsBuilder<OneApiDbContext>();
        DataServiceCollectionExtensions.Configure(options, DatabaseSettings.Choose(store.Dsn, "unused.db", 3000));
        return new OneApiDbContext(options.Options);
    }

    /// <summary>The single row a log route lists, once the shipper has moved it (it runs after the commit, not before the answer).</summary>
    private static async Task<JsonElement> WaitForRowAsync(HttpClient client, string path)
    {
        var deadline = DateTime.UtcNow + ShipWait;
        while (true)
        {
            var rows = (await client.GetJsonAsync(path)).Data();
            if (rows.GetArrayLength() > 0 || DateTime.UtcNow > deadline)
            {
                return Assert.Single(rows.EnumerateArray());
            }
            await Task.Delay(100);
        }
    }
}
