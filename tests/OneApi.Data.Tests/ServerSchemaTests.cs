using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;

namespace OneApi.Data.Tests;

/// <summary>
/// Schema tests run against a real server when its variable is set (see <see cref="ServerDatabase"/>); without it each
/// test returns at once. Each server kind supplies the tables GORM creates for one-api's models there, with rows.
/// </summary>
public abstract class ServerSchemaTests
{
    private static readonly string[] OneApiTables =
        ["abilities", "channels", "logs", "options", "redemptions", "tokens", "user_request_costs", "users"];

    /// <summary>The tables and indexes one-api's GORM AutoMigrate creates on this server.</summary>
    protected abstract string GormSchema { get; }

    /// <summary>Rows as one-api writes them, including the NULLs of columns added after the row; ids 1 and 2 are taken.</summary>
    protected abstract string GormRows { get; }

    internal abstract Task<ServerDatabase?> CreateDatabaseAsync();

    [Fact]
    public async Task FreshDatabase_EnsureSchemaTwice_CreatesOneApiTablesOnce()
    {
        await using var database = await CreateDatabaseAsync();
        if (database is null)
        {
            return;
        }

        await using (var db = database.CreateContext())
        {
            await SchemaInitializer.EnsureSchemaAsync(db);
        }
        var indexes = await database.IndexesAsync();
        await using (var db = database.CreateContext())
        {
            await SchemaInitializer.EnsureSchemaAsync(db);
        }

        Assert.Equal(OneApiTables, await database.TablesAsync());
        Assert.Equal(indexes, await database.IndexesAsync());
        Assert.Contains("remain_quota", await database.ColumnsAsync("tokens"));
        Assert.Contains("unlimited_quota", await database.ColumnsAsync("tokens"));
        Assert.Contains("created_at", await database.ColumnsAsync("logs"));
        Assert.Contains("model_mapping", await database.ColumnsAsync("channels"));
        Assert.Contains("group", await database.ColumnsAsync("abilities"));
        await using var write = database.CreateContext();
        write.Users.Add(new User { Username = "root", Password = "x", Role = UserRole.Root, AccessToken = "0123456789abcdef0123456789abcdef" });
        write.Abilities.Add(new Ability { Group = "default", Model = "gpt-4o", ChannelId = 1, Enabled = true });
        await write.SaveChangesAsync();
        await using var read = database.CreateContext();
        Assert.Equal("0123456789abcdef0123456789abcdef", (await read.Users.SingleAsync()).AccessToken);
        Assert.True((await read.Abilities.SingleAsync(a => a.Group == "default")).Enabled);
    }

    [Fact]
    public async Task GormDatabase_EnsureSchema_AddsMissingAndReadsEveryRow()
    {
        await using var database = await CreateDatabaseAsync();
        if (database is null)
        {
            return;
        }
        await database.ExecuteAsync(GormSchema);
        await database.ExecuteAsync(GormRows);

        await using (var db = database.CreateContext())
        {
            await SchemaInitializer.EnsureSchemaAsync(db);
        }

        Assert.Equal(OneApiTables, await database.TablesAsync());
        Assert.Contains("system_prompt", await database.ColumnsAsync("channels"));
        Assert.Contains("idx_users_access_token", await database.IndexesAsync());
        await using var read = database.CreateContext();
        var users = await read.Users.OrderBy(u => u.Id).ToListAsync();
        Assert.Equal(("root", 500_000_000_000_000L, "0123456789abcdef0123456789abcdef"), (users[0].Username, users[0].Quota, users[0].AccessToken));
        Assert.Equal(("alice", "", "", 0, "vip"), (users[1].Username, users[1].DisplayName, users[1].LarkId, users[1].InviterId, users[1].Group));
        var token = await read.Tokens.SingleAsync();
        Assert.Equal(("Ab12Cd34Ef56Gh78A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6", true, -1L), (token.Key, token.UnlimitedQuota, token.ExpiredTime));
        var channels = await read.Channels.OrderBy(c => c.Id).ToListAsync();
        Assert.Equal((1, 12.5, 10L, "{}", (string?)null), (channels[0].Type, channels[0].Balance, channels[0].Priority, channels[0].Config, channels[0].SystemPrompt));
        Assert.Equal((14, 0.0, "", (string?)null), (channels[1].Type, channels[1].Balance, channels[1].Config, channels[1].BaseUrl));
        Assert.Equal(3, await read.Abilities.CountAsync());
        Assert.Equal("500000", (await read.Options.SingleAsync()).Value);
        Assert.Equal(100000L, (await read.Redemptions.SingleAsync()).Quota);
        var logs = await read.Logs.OrderBy(l => l.Id).ToListAsync();
        Assert.Equal((1, "req-1", true), (logs[0].ChannelId, logs[0].RequestId, logs[0].IsStream));
        Assert.Equal(0, logs[1].ChannelId);
        Assert.Empty(await read.UserRequestCosts.ToListAsync());

        // Writes go through GORM's sequences (or AUTO_INCREMENT) and column types.
        await using var write = database.CreateContext();
        write.Users.Add(new User { Username = "carol", Password = "x" });
        write.UserRequestCosts.Add(new UserRequestCost { CreatedTime = 1750000000, UserId = 1, RequestId = "req-1", Quota = 1234 });
        await write.SaveChangesAsync();
        Assert.Equal(3L, Convert.ToInt64(await database.ScalarAsync("SELECT id FROM users WHERE username = 'carol'"), System.Globalization.CultureInfo.InvariantCulture));
    }
}
