using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;

namespace OneApi.Data.Tests;

/// <summary>
/// A SQLite file written by one-api (GORM) opens as it is: <see cref="SchemaInitializer"/> adds what is missing, drops
/// nothing, and every row reads back through <see cref="OneApiDbContext"/>, including the NULLs GORM's AutoMigrate
/// leaves in columns it added after the rows were written (GORM itself reads those as zero values).
/// </summary>
public sealed class LegacyDatabaseTests
{
    // Go's bcrypt.GenerateFromPassword(…, bcrypt.DefaultCost) writes $2a$ hashes of cost 10; one-api's root password is 123456.
    private static readonly string RootHash = BCrypt.Net.BCrypt.HashPassword("123456", BCrypt.Net.BCrypt.GenerateSalt(10, 'a'));
    private const string OtherHash = "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";

    private const string RootKey = "Ab12Cd34Ef56Gh78A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6";
    private const string BobKey = "Zz99Yy88Xx77Ww66F0E1D2C3B4A5F6E7D8C9B0A1F2E3D4C5";
    private const string OldKey = "Oo11Pp22Qq33Rr44A0A1A2A3A4A5A6A7A8A9B0B1B2B3B4B5";

    private static readonly string CurrentRows = $"""
        INSERT INTO `users` VALUES (1,'root','{RootHash}','Root User',100,1,'','','','','','0123456789abcdef0123456789abcdef',500000000000000,1234,7,'default','Ab3x',0);
        INSERT INTO `users` VALUES (2,'alice','{OtherHash}',NULL,1,1,NULL,NULL,NULL,NULL,NULL,NULL,1000,0,0,'vip',NULL,NULL);
        INSERT INTO `users` VALUES (3,'bob','{OtherHash}','Bob',1,2,'bob@example.com','4242','','','',NULL,0,50,3,'default','Zq9p',1);
        INSERT INTO `tokens` VALUES (1,1,'{RootKey}',1,'Initial Root Token',1700000000,1700000100,-1,0,1,0,NULL,'');
        INSERT INTO `tokens` VALUES (2,3,'{BobKey}',4,'bob key',1700000000,1700000200,1800000000,5000,0,200,'gpt-4o,gpt-4o-mini','10.0.0.0/8');
        INSERT INTO `tokens` VALUES (3,2,'{OldKey}',1,NULL,1600000000,NULL,-1,100,0,0,NULL,NULL);
        INSERT INTO `channels` VALUES (1,1,'sk-proj-abc',1,'openai',0,1700000000,1700000500,321,'','',12.5,1700000600,'gpt-4o,gpt-4o-mini','default,vip',99,'{"{"}"gpt-4o":"gpt-4o-2024-08-06"{"}"}',10,'{"{"}"region":"","api_version":"2024-06-01"{"}"}','You are helpful.');
        INSERT INTO `channels` VALUES (2,14,'sk-ant-xyz',3,'claude',NULL,1600000000,NULL,NULL,NULL,NULL,NULL,NULL,'claude-3-5-sonnet-20241022','default',0,NULL,NULL,NULL,NULL);
        INSERT INTO `abilities` VALUES ('default','gpt-4o',1,1,10),('vip','gpt-4o',1,1,10),('default','gpt-4o-mini',1,1,10),('vip','gpt-4o-mini',1,1,10),('default','claude-3-5-sonnet-20241022',2,0,NULL);
        INSERT INTO `options` VALUES ('QuotaPerUnit','500000'),('ModelRatio','{"{"}"gpt-4o":2.5{"}"}'),('Notice',NULL);
        INSERT INTO `redemptions` VALUES (1,1,'0123456789abcdef0123456789abcdef',3,'gift',100000,1700000000,1700001000),(2,1,'fedcba9876543210fedcba9876543210',1,'gift2',100,1700000000,0);
        INSERT INTO `logs` VALUES (1,1,1700000000,2,'model ratio 2.50, completion ratio 4.00','root','Initial Root Token','gpt-4o',1234,19,10,1,'2025040112345678abcdef',850,1,0);
        INSERT INTO `logs` VALUES (2,2,1600000000,2,'old consume log','alice','k','gpt-3.5-turbo',30,10,5,NULL,'',0,0,0);
        INSERT INTO `logs` VALUES (3,1,1600000100,1,NULL,'root','','',0,0,0,NULL,'',0,0,0);
        INSERT INTO `user_request_costs` VALUES (1,1700000000,1,'2025040112345678abcdef',1234);
        """;

    private static readonly string OlderRows = $"""
        INSERT INTO `users` VALUES (1,'root','{RootHash}','Root User',100,1,'','','','0123456789abcdef0123456789abcdef',500000000000000,1234,7,'default','Ab3x',0);
        INSERT INTO `users` VALUES (2,'alice','{OtherHash}',NULL,1,1,NULL,NULL,NULL,NULL,1000,0,0,'vip',NULL,NULL);
        INSERT INTO `tokens` VALUES (1,1,'{RootKey}',1,'Initial Root Token',1700000000,1700000100,-1,0,1,0);
        INSERT INTO `channels` VALUES (1,1,'sk-proj-abc',1,'openai',0,1700000000,1700000500,321,'','',12.5,1700000600,'gpt-4o,gpt-4o-mini','default,vip',99,'',10);
        INSERT INTO `channels` VALUES (2,14,'sk-ant-xyz',3,'claude',NULL,1600000000,NULL,NULL,NULL,NULL,NULL,NULL,'claude-3-5-sonnet-20241022','default',0,NULL,NULL);
        INSERT INTO `abilities` VALUES ('default','gpt-4o',1,1,10),('vip','gpt-4o',1,1,10),('default','claude-3-5-sonnet-20241022',2,0,0);
        INSERT INTO `options` VALUES ('QuotaPerUnit','500000');
        INSERT INTO `redemptions` VALUES (1,1,'0123456789abcdef0123456789abcdef',1,'gift',100,1700000000,0);
        INSERT INTO `logs` VALUES (1,1,1700000000,2,'model ratio 15.00','root','Initial Root Token','gpt-4',300,100,50,1);
        INSERT INTO `logs` VALUES (2,2,1600000000,2,'old consume log','alice','k','gpt-3.5-turbo',30,10,5,NULL);
        """;

    private static readonly string[] GormIndexes =
    [
        "idx_abilities_channel_id", "idx_abilities_priority", "idx_channels_name", "idx_created_at_type", "idx_logs_channel_id",
        "idx_logs_model_name", "idx_logs_token_name", "idx_logs_user_id", "idx_redemptions_key", "idx_redemptions_name",
        "idx_tokens_key", "idx_tokens_name", "idx_users_access_token", "idx_users_aff_code", "idx_users_display_name",
        "idx_users_email", "idx_users_github_id", "idx_users_inviter_id", "idx_users_lark_id", "idx_users_oidc_id",
        "idx_users_username", "idx_users_wechat_id",
        "index_username_model_name",
    ];

    private static SqliteFile LegacyFile(string schema, string rows)
    {
        var file = new SqliteFile();
        file.Execute(schema);
        file.Execute(rows);
        return file;
    }

    private static async Task EnsureSchemaAsync(SqliteFile file)
    {
        await using var db = file.CreateContext();
        await SchemaInitializer.EnsureSchemaAsync(db);
    }

    private static IReadOnlyList<string> AllIndexes(SqliteFile file) =>
        file.Strings("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name");

    [Fact]
    public async Task CurrentOneApiFile_EnsureSchema_ChangesNoTableAndKeepsGormIndexes()
    {
        using var file = LegacyFile(GormSqliteSchema.Current, CurrentRows);
        var columnsBefore = file.Tables().ToDictionary(t => t, t => file.Columns(t));

        await EnsureSchemaAsync(file);

        Assert.Equal(columnsBefore.Keys, file.Tables());
        foreach (var (table, columns) in columnsBefore)
        {
            // users.session_version is this project's only addition to one-api's tables.
            Assert.Equal(table == "users" ? [.. columns.Keys, "session_version"] : columns.Keys, file.Columns(table).Keys);
        }
        Assert.Equal(GormIndexes, AllIndexes(file));
        Assert.Equal("ok", file.Scalar("PRAGMA integrity_check"));
    }

    [Fact]
    public async Task CurrentOneApiFile_ReadsUsersIntact()
    {
        using var file = LegacyFile(GormSqliteSchema.Current, CurrentRows);
        await EnsureSchemaAsync(file);

        await using var db = file.CreateContext();
        var users = await db.Users.OrderBy(u => u.Id).ToListAsync();

        Assert.Equal(3, users.Count);
        var root = users[0];
        Assert.Equal(("root", "Root User", UserRole.Root, UserStatus.Enabled), (root.Username, root.DisplayName, root.Role, root.Status));
        Assert.True(BCrypt.Net.BCrypt.Verify("123456", root.Password));
        Assert.Equal(("0123456789abcdef0123456789abcdef", "Ab3x", 0), (root.AccessToken, root.AffCode, root.InviterId));
        Assert.Equal((500_000_000_000_000L, 1234L, 7, "default"), (root.Quota, root.UsedQuota, root.RequestCount, root.Group));

        // A row from before display_name, email, the login ids and the invite columns held values: GORM's zero values.
        var alice = users[1];
        Assert.Equal(("alice", OtherHash, "vip", 1000L), (alice.Username, alice.Password, alice.Group, alice.Quota));
        Assert.Equal(("", "", "", "", "", ""), (alice.DisplayName, alice.Email, alice.GitHubId, alice.WeChatId, alice.LarkId, alice.OidcId));
        Assert.Null(alice.AccessToken);
        Assert.Null(alice.AffCode);
        Assert.Equal(0, alice.InviterId);

        var bob = users[2];
        Assert.Equal(("Bob", UserStatus.Disabled, "bob@example.com", "4242", 1), (bob.DisplayName, bob.Status, bob.Email, bob.GitHubId, bob.InviterId));
        Assert.Equal((50L, 3), (bob.UsedQuota, bob.RequestCount));
    }

    [Fact]
    public async Task CurrentOneApiFile_ReadsTokensIntact()
    {
        using var file = LegacyFile(GormSqliteSchema.Current, CurrentRows);
        await EnsureSchemaAsync(file);

        await using var db = file.CreateContext();
        var tokens = await db.Tokens.OrderBy(t => t.Id).ToListAsync();

        Assert.Equal(3, tokens.Count);
        var root = tokens[0];
        Assert.Equal((1, RootKey, TokenStatus.Enabled, "Initial Root Token"), (root.UserId, root.Key, root.Status, root.Name));
        Assert.Equal((1700000000L, 1700000100L, -1L), (root.CreatedTime, root.AccessedTime, root.ExpiredTime));
        Assert.Equal((0L, true, 0L, null, ""), (root.RemainQuota, root.UnlimitedQuota, root.UsedQuota, root.Models, root.Subnet));
        var bob = tokens[1];
        Assert.Equal((BobKey, TokenStatus.Exhausted, 1800000000L), (bob.Key, bob.Status, bob.ExpiredTime));
        Assert.Equal((5000L, false, 200L, "gpt-4o,gpt-4o-mini", "10.0.0.0/8"), (bob.RemainQuota, bob.UnlimitedQuota, bob.UsedQuota, bob.Models, bob.Subnet));
        var old = tokens[2];
        Assert.Equal((OldKey, "", 0L, 100L, ""), (old.Key, old.Name, old.AccessedTime, old.RemainQuota, old.Subnet));
    }

    [Fact]
    public async Task CurrentOneApiFile_ReadsChannelsAndAbilitiesIntact()
    {
        using var file = LegacyFile(GormSqliteSchema.Current, CurrentRows);
        await EnsureSchemaAsync(file);

        await using var db = file.CreateContext();
        var channels = await db.Channels.OrderBy(c => c.Id).ToListAsync();
        var abilities = await db.Abilities.OrderBy(a => a.ChannelId).ThenBy(a => a.Model).ThenBy(a => a.Group).ToListAsync();

        var openai = channels[0];
        Assert.Equal((1, "sk-proj-abc", ChannelStatus.Enabled, "openai", 0L), (openai.Type, openai.Key, openai.Status, openai.Name, openai.Weight));
        Assert.Equal((1700000000L, 1700000500L, 321), (openai.CreatedTime, openai.TestTime, openai.ResponseTime));
        Assert.Equal(("", "", 12.5, 1700000600L), (openai.BaseUrl, openai.Other, openai.Balance, openai.BalanceUpdatedTime));
        Assert.Equal(("gpt-4o,gpt-4o-mini", "default,vip", 99L), (openai.Models, openai.Group, openai.UsedQuota));
        Assert.Equal("""{"gpt-4o":"gpt-4o-2024-08-06"}""", openai.ModelMapping);
        Assert.Equal(10L, openai.Priority);
        Assert.Equal("""{"region":"","api_version":"2024-06-01"}""", openai.Config);
        Assert.Equal("You are helpful.", openai.SystemPrompt);

        // Created before test/balance/config existed; pointer columns stay null, value columns read as zero.
        var claude = channels[1];
        Assert.Equal((14, ChannelStatus.AutoDisabled, "claude", "claude-3-5-sonnet-20241022"), (claude.Type, claude.Status, claude.Name, claude.Models));
        Assert.Equal((0L, 0, 0.0, 0L, ""), (claude.TestTime, claude.ResponseTime, claude.Balance, claude.BalanceUpdatedTime, claude.Config));
        Assert.Null(claude.Weight);
        Assert.Null(claude.BaseUrl);
        Assert.Null(claude.Other);
        Assert.Null(claude.ModelMapping);
        Assert.Null(claude.Priority);
        Assert.Null(claude.SystemPrompt);

        Assert.Equal(
            [("default", "gpt-4o", 1, true, (long?)10), ("vip", "gpt-4o", 1, true, 10), ("default", "gpt-4o-mini", 1, true, 10),
             ("vip", "gpt-4o-mini", 1, true, 10), ("default", "claude-3-5-sonnet-20241022", 2, false, null)],
            abilities.Select(a => (a.Group, a.Model, a.ChannelId, a.Enabled, a.Priority)));
    }

    [Fact]
    public async Task CurrentOneApiFile_ReadsOptionsRedemptionsLogsAndCostsIntact()
    {
        using var file = LegacyFile(GormSqliteSchema.Current, CurrentRows);
        await EnsureSchemaAsync(file);

        await using var db = file.CreateContext();

        Assert.Equal(
            [("ModelRatio", """{"gpt-4o":2.5}"""), ("Notice", ""), ("QuotaPerUnit", "500000")],
            (await db.Options.OrderBy(o => o.Key).ToListAsync()).Select(o => (o.Key, o.Value)));
        Assert.Equal(
            [(1, 1, "0123456789abcdef0123456789abcdef", RedemptionStatus.Used, "gift", 100000L, 1700000000L, 1700001000L),
             (2, 1, "fedcba9876543210fedcba9876543210", RedemptionStatus.Enabled, "gift2", 100L, 1700000000L, 0L)],
            (await db.Redemptions.OrderBy(r => r.Id).ToListAsync()).Select(r => (r.Id, r.UserId, r.Key, r.Status, r.Name, r.Quota, r.CreatedTime, r.RedeemedTime)));

        var logs = await db.Logs.OrderBy(l => l.Id).ToListAsync();
        var consume = logs[0];
        Assert.Equal((1, 1700000000L, LogType.Consume, "model ratio 2.50, completion ratio 4.00"), (consume.UserId, consume.CreatedAt, consume.Type, consume.Content));
        Assert.Equal(("root", "Initial Root Token", "gpt-4o", 1234, 19, 10), (consume.Username, consume.TokenName, consume.ModelName, consume.Quota, consume.PromptTokens, consume.CompletionTokens));
        Assert.Equal((1, "2025040112345678abcdef", 850L, true, false), (consume.ChannelId, consume.RequestId, consume.ElapsedTime, consume.IsStream, consume.SystemPromptReset));
        Assert.Equal((2, "alice", "gpt-3.5-turbo", 0), (logs[1].UserId, logs[1].Username, logs[1].ModelName, logs[1].ChannelId));
        Assert.Equal((LogType.Topup, "", 0), (logs[2].Type, logs[2].Content, logs[2].ChannelId));

        var cost = Assert.Single(await db.UserRequestCosts.ToListAsync());
        Assert.Equal((1700000000L, 1, "2025040112345678abcdef", 1234L), (cost.CreatedTime, cost.UserId, cost.RequestId, cost.Quota));
    }

    [Fact]
    public async Task CurrentOneApiFile_QueriesByLegacyColumnsWork()
    {
        using var file = LegacyFile(GormSqliteSchema.Current, CurrentRows);
        await EnsureSchemaAsync(file);

        await using var db = file.CreateContext();

        Assert.Equal(1, (await db.Tokens.SingleAsync(t => t.Key == RootKey)).Id);
        Assert.Equal("root", (await db.Users.SingleAsync(u => u.AccessToken == "0123456789abcdef0123456789abcdef")).Username);
        Assert.Equal([1, 2], await db.Abilities.Where(a => a.Group == "default" && a.Enabled || a.ChannelId == 2).Select(a => a.ChannelId).Distinct().OrderBy(id => id).ToListAsync());
        Assert.Equal(1264L, await db.Logs.Where(l => l.Type == LogType.Consume).SumAsync(l => (long)l.Quota));
        Assert.Equal(2, await db.Logs.CountAsync(l => l.ChannelId == 0));
    }

    [Fact]
    public async Task CurrentOneApiFile_EnsureSchema_ZeroesOnlyNullsOfNonNullableNonUniqueColumns()
    {
        using var file = LegacyFile(GormSqliteSchema.Current, CurrentRows);
        var commands = new List<string>();

        await using (var db = file.CreateContext(commands))
        {
            await SchemaInitializer.EnsureSchemaAsync(db);
        }

        Assert.Contains(commands, c => c.Contains("UPDATE \"logs\" SET", StringComparison.Ordinal));
        Assert.DoesNotContain(commands, c => c.Contains("CREATE", StringComparison.Ordinal));
        Assert.Contains("session_version", Assert.Single(commands, c => c.Contains("ALTER", StringComparison.Ordinal)), StringComparison.Ordinal);
        // What GORM reads from these NULLs is the zero value; the file now holds it.
        Assert.Equal(0L, file.Scalar("SELECT COUNT(*) FROM users WHERE display_name IS NULL OR lark_id IS NULL OR inviter_id IS NULL"));
        Assert.Equal(2L, file.Scalar("SELECT COUNT(*) FROM logs WHERE channel_id = 0"));
        Assert.Equal("", file.Scalar("SELECT config FROM channels WHERE id = 2"));
        // Columns one-api reads through pointers (NULL ≠ "") and unique ones keep their NULLs.
        Assert.Equal(1L, file.Scalar("SELECT base_url IS NULL AND model_mapping IS NULL AND priority IS NULL AND weight IS NULL AND system_prompt IS NULL FROM channels WHERE id = 2"));
        Assert.Equal(1L, file.Scalar("SELECT access_token IS NULL AND aff_code IS NULL FROM users WHERE id = 2"));
        Assert.Equal(1L, file.Scalar("SELECT models IS NULL FROM tokens WHERE id = 1"));
        Assert.Equal(1L, file.Scalar("SELECT priority IS NULL FROM abilities WHERE channel_id = 2"));
        // Values that were there are untouched.
        Assert.Equal(12.5, file.Scalar("SELECT balance FROM channels WHERE id = 1"));
        Assert.Equal(1L, file.Scalar("SELECT unlimited_quota FROM tokens WHERE id = 1"));
    }

    [Fact]
    public async Task CurrentOneApiFile_EnsureSchema_AddsSessionVersionThatOneApisInsertsLeaveAtZero()
    {
        using var file = LegacyFile(GormSqliteSchema.Current, CurrentRows);
        await EnsureSchemaAsync(file);

        // one-api names its columns on insert and knows nothing of session_version.
        file.Execute("INSERT INTO `users` (`id`,`username`,`password`,`role`,`status`) VALUES (4,'carol','x',1,1)");

        await using var db = file.CreateContext();
        Assert.Equal([0, 0, 0, 0], await db.Users.OrderBy(u => u.Id).Select(u => u.SessionVersion).ToListAsync());
    }

    [Fact]
    public async Task CurrentOneApiFile_EnsureSchemaTwice_IsIdempotent()
    {
        using var file = LegacyFile(GormSqliteSchema.Current, CurrentRows);
        await EnsureSchemaAsync(file);
        var indexes = AllIndexes(file);

        await EnsureSchemaAsync(file);

        Assert.Equal(indexes, AllIndexes(file));
        Assert.Equal(3L, file.Scalar("SELECT COUNT(*) FROM users"));
    }

    [Fact]
    public async Task OlderOneApiFile_EnsureSchema_AddsMissingColumnsAndTable()
    {
        using var file = LegacyFile(GormSqliteSchema.Older, OlderRows);

        await EnsureSchemaAsync(file);

        Assert.Equal(["abilities", "channels", "logs", "options", "redemptions", "tokens", "user_request_costs", "users"], file.Tables());
        Assert.Contains("system_prompt", file.Columns("channels").Keys);
        Assert.Contains("config", file.Columns("channels").Keys);
        Assert.Contains("lark_id", file.Columns("users").Keys);
        Assert.Contains("oidc_id", file.Columns("users").Keys);
        Assert.Contains("models", file.Columns("tokens").Keys);
        Assert.Contains("subnet", file.Columns("tokens").Keys);
        Assert.Contains("request_id", file.Columns("logs").Keys);
        Assert.Contains("is_stream", file.Columns("logs").Keys);
        Assert.Equal(["created_time", "id", "quota", "request_id", "user_id"], file.Columns("user_request_costs").Keys.Order());
        Assert.Equal(GormIndexes.Except(["idx_users_lark_id", "idx_users_oidc_id"]), AllIndexes(file).Where(i => GormIndexes.Contains(i)));
        Assert.Equal("ok", file.Scalar("PRAGMA integrity_check"));
    }

    [Fact]
    public async Task OlderOneApiFile_AfterEnsureSchema_ReadsEveryRowIntact()
    {
        using var file = LegacyFile(GormSqliteSchema.Older, OlderRows);
        await EnsureSchemaAsync(file);

        await using var db = file.CreateContext();

        var users = await db.Users.OrderBy(u => u.Id).ToListAsync();
        Assert.Equal(["root", "alice"], users.Select(u => u.Username));
        Assert.True(BCrypt.Net.BCrypt.Verify("123456", users[0].Password));
        Assert.Equal(("", "", "", 0), (users[1].DisplayName, users[1].LarkId, users[1].OidcId, users[1].InviterId));
        var token = await db.Tokens.SingleAsync();
        Assert.Equal((RootKey, true, -1L, null, ""), (token.Key, token.UnlimitedQuota, token.ExpiredTime, token.Models, token.Subnet));
        var channels = await db.Channels.OrderBy(c => c.Id).ToListAsync();
        Assert.Equal(("openai", "", null, 10L), (channels[0].Name, channels[0].Config, channels[0].SystemPrompt, channels[0].Priority));
        Assert.Equal(("claude", "", 0.0), (channels[1].Name, channels[1].Config, channels[1].Balance));
        Assert.Equal(3, await db.Abilities.CountAsync());
        Assert.Equal("500000", (await db.Options.SingleAsync()).Value);
        Assert.Equal("gift", (await db.Redemptions.SingleAsync()).Name);
        var logs = await db.Logs.OrderBy(l => l.Id).ToListAsync();
        Assert.Equal(("gpt-4", 300, 1, "", 0L, false), (logs[0].ModelName, logs[0].Quota, logs[0].ChannelId, logs[0].RequestId, logs[0].ElapsedTime, logs[0].IsStream));
        Assert.Equal(0, logs[1].ChannelId);
        Assert.Empty(await db.UserRequestCosts.ToListAsync());
    }

    [Fact]
    public async Task OlderOneApiFile_AfterEnsureSchema_AcceptsWrites()
    {
        using var file = LegacyFile(GormSqliteSchema.Older, OlderRows);
        await EnsureSchemaAsync(file);

        await using (var db = file.CreateContext())
        {
            var channel = await db.Channels.AsTracking().SingleAsync(c => c.Id == 2);
            channel.SystemPrompt = "Answer in French.";
            channel.Status = ChannelStatus.Enabled;
            db.UserRequestCosts.Add(new UserRequestCost { CreatedTime = 1750000000, UserId = 1, RequestId = "req-1", Quota = 42 });
            db.Tokens.Add(new Token { UserId = 2, Key = BobKey, Name = "new", Subnet = "192.168.0.0/16", Models = "gpt-4o" });
            db.Logs.Add(new Log { UserId = 2, CreatedAt = 1750000000, Type = LogType.Consume, ModelName = "gpt-4o", ChannelId = 2, RequestId = "req-1", IsStream = true });
            await db.SaveChangesAsync();
        }

        await using var check = file.CreateContext();
        var updated = await check.Channels.SingleAsync(c => c.Id == 2);
        Assert.Equal(("Answer in French.", ChannelStatus.Enabled, "claude"), (updated.SystemPrompt, updated.Status, updated.Name));
        Assert.Equal(42L, (await check.UserRequestCosts.SingleAsync(c => c.RequestId == "req-1")).Quota);
        var added = await check.Tokens.SingleAsync(t => t.Key == BobKey);
        Assert.Equal((2, TokenStatus.Enabled, -1L, "192.168.0.0/16"), (added.UserId, added.Status, added.ExpiredTime, added.Subnet));
        Assert.True((await check.Logs.SingleAsync(l => l.RequestId == "req-1")).IsStream);
        // GORM wrote booleans as integers; the file still holds 0/1 that one-api reads back.
        Assert.Equal(1L, file.Scalar("SELECT unlimited_quota FROM tokens WHERE id = 1"));
    }
}
