using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;

namespace OneApi.Data.Tests;

public sealed class SchemaInitializerTests
{
    private static readonly string[] OneApiTables =
        ["abilities", "channels", "logs", "options", "redemptions", "tokens", "user_request_costs", "users"];

    [Fact]
    public async Task FreshSqliteFile_CreatesAllEightOneApiTables()
    {
        using var file = new SqliteFile();
        await using (var db = file.CreateContext())
        {
            await SchemaInitializer.EnsureSchemaAsync(db);
        }

        Assert.Equal(OneApiTables, file.Tables());
    }

    [Fact]
    public async Task FreshSqliteFile_UsesOneApiColumnNames()
    {
        using var file = new SqliteFile();
        await using (var db = file.CreateContext())
        {
            await SchemaInitializer.EnsureSchemaAsync(db);
        }

        var tokens = file.Columns("tokens");
        Assert.Contains("remain_quota", tokens.Keys);
        Assert.Contains("unlimited_quota", tokens.Keys);
        Assert.Contains("expired_time", tokens.Keys);
        Assert.Contains("key", tokens.Keys);
        Assert.Equal("-1", tokens["expired_time"].Default);
        Assert.Contains("created_at", file.Columns("logs").Keys);
        Assert.Contains("system_prompt_reset", file.Columns("logs").Keys);
        var channels = file.Columns("channels");
        Assert.Contains("model_mapping", channels.Keys);
        Assert.Contains("base_url", channels.Keys);
        Assert.Contains("balance_updated_time", channels.Keys);
        Assert.Contains("system_prompt", channels.Keys);
        Assert.Equal(["channel_id", "enabled", "group", "model", "priority"], file.Columns("abilities").Keys.Order());
        var users = file.Columns("users");
        Assert.Contains("github_id", users.Keys);
        Assert.Contains("wechat_id", users.Keys);
        Assert.Contains("aff_code", users.Keys);
        Assert.Contains("access_token", users.Keys);
        Assert.Equal(["created_time", "id", "quota", "request_id", "user_id"], file.Columns("user_request_costs").Keys.Order());
        Assert.Equal(["key", "value"], file.Columns("options").Keys.Order());
    }

    [Fact]
    public async Task FreshSqliteFile_RunTwice_IsIdempotentAndUsable()
    {
        using var file = new SqliteFile();
        await using (var db = file.CreateContext())
        {
            await SchemaInitializer.EnsureSchemaAsync(db);
            db.Options.Add(new Option { Key = "QuotaPerUnit", Value = "500000" });
            db.Users.Add(new User { Username = "root", Password = "x", Role = UserRole.Root });
            await db.SaveChangesAsync();
        }
        var indexesBefore = OneApiTables.SelectMany(file.Indexes).ToArray();

        await using (var db = file.CreateContext())
        {
            await SchemaInitializer.EnsureSchemaAsync(db);
        }

        Assert.Equal(OneApiTables, file.Tables());
        Assert.Equal(indexesBefore, OneApiTables.SelectMany(file.Indexes));
        await using var check = file.CreateContext();
        Assert.Equal("500000", (await check.Options.SingleAsync()).Value);
        var root = await check.Users.SingleAsync();
        Assert.Equal(("root", "default", UserStatus.Enabled), (root.Username, root.Group, root.Status));
    }

    [Fact]
    public async Task FreshSqliteFile_SecondRun_ChangesNothing()
    {
        using var file = new SqliteFile();
        await using (var db = file.CreateContext())
        {
            await SchemaInitializer.EnsureSchemaAsync(db);
        }
        var commands = new List<string>();

        await using (var db = file.CreateContext(commands))
        {
            await SchemaInitializer.EnsureSchemaAsync(db);
        }

        // No DDL, and no NULL clean-up on columns this project made NOT NULL (the legacy tests show the log catches it).
        Assert.Empty(commands);
    }

    [Fact]
    public async Task FreshSqliteFile_DefaultsMatchOneApi()
    {
        using var file = new SqliteFile();
        await using (var db = file.CreateContext())
        {
            await SchemaInitializer.EnsureSchemaAsync(db);
        }

        // Rows written by something that names only some columns get one-api's defaults.
        file.Execute("INSERT INTO tokens (user_id, key, name, created_time, accessed_time, remain_quota, unlimited_quota, used_quota) VALUES (1, 'k', 'n', 0, 0, 0, 0, 0)");
        file.Execute("INSERT INTO channels (type, key, name, created_time, test_time, response_time, balance, balance_updated_time, models, used_quota, config) VALUES (1, 'sk', 'c', 0, 0, 0, 0, 0, 'gpt-4o', 0, '')");
        await using var check = file.CreateContext();
        var token = await check.Tokens.SingleAsync();
        Assert.Equal((TokenStatus.Enabled, -1L, ""), (token.Status, token.ExpiredTime, token.Subnet));
        var channel = await check.Channels.SingleAsync();
        Assert.Equal((ChannelStatus.Enabled, "default", "", "", 0L), (channel.Status, channel.Group, channel.BaseUrl, channel.ModelMapping, channel.Priority));
    }
}
