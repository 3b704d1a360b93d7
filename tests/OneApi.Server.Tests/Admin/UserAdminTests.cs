using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>The admin user routes and the rules between roles.</summary>
public sealed class UserAdminTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Create_ThenListSearchGet_ShowsUserWithoutSecrets(string database)
    {
        var gateway = await pool.GetAsync(database);
        var name = "c" + Guid.NewGuid().ToString("N")[..9];

        (await gateway.Admin.PostJsonAsync("/api/user/", new { username = name, password = "password123", display_name = "Carol" })).Data();

        var found = (await gateway.Admin.GetJsonAsync($"/api/user/search?keyword={name}")).Data();
        var user = Assert.Single(found.EnumerateArray());
        Assert.Equal((name, "Carol", UserRole.Common, UserStatus.Enabled),
            (user.GetProperty("username").GetString(), user.GetProperty("display_name").GetString(), user.GetProperty("role").GetInt32(), user.GetProperty("status").GetInt32()));
        Assert.False(user.TryGetProperty("password", out _));
        Assert.False(user.TryGetProperty("access_token", out _));
        var id = user.GetProperty("id").GetInt32();
        Assert.Equal(name, (await gateway.Admin.GetJsonAsync($"/api/user/{id}")).Data().GetProperty("username").GetString());
        var firstPage = (await gateway.Admin.GetJsonAsync("/api/user/?p=0")).Data();
        Assert.InRange(firstPage.GetArrayLength(), 1, 10);
        Assert.Equal(id, firstPage[0].GetProperty("id").GetInt32());
    }

    [Theory]
    [InlineData("", "password123", "invalid parameters")]
    [InlineData("thirteenchars", "password123", "username must be at most 12 characters")]
    [InlineData("shortpw", "1234567", "password must be 8 to 20 characters")]
    [InlineData("longpw", "123456789012345678901", "password must be 8 to 20 characters")]
    public async Task Create_InvalidFields_AreRefused(string username, string password, string message)
    {
        var gateway = await pool.GetAsync("sqlite");
        Assert.Equal(message, (await gateway.Admin.PostJsonAsync("/api/user/", new { username, password })).Failure());
    }

    [Fact]
    public async Task Create_DuplicateUsername_IsRefused()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var existing = await gateway.MemberAsync();
        Assert.Equal("the username is already taken",
            (await gateway.Admin.PostJsonAsync("/api/user/", new { username = existing.Username, password = "password123" })).Failure());
    }

    [Fact]
    public async Task Admin_CannotCreateOrReadOrEditAPeer_ButCanACommonUser()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var admin = await gateway.MemberAsync(UserRole.Admin);
        using var peer = await gateway.MemberAsync(UserRole.Admin);
        using var common = await gateway.MemberAsync();

        Assert.Equal("cannot create a user with a role equal to or above your own",
            (await admin.Client.PostJsonAsync("/api/user/", new { username = "x" + Guid.NewGuid().ToString("N")[..8], password = "password123", role = 10 })).Failure());
        Assert.Equal("no permission to read a user of the same or a higher role", (await admin.Client.GetJsonAsync($"/api/user/{peer.Id}")).Failure());
        Assert.Equal("no permission to read a user of the same or a higher role", (await admin.Client.GetJsonAsync("/api/user/1")).Failure());
        Assert.Equal("no permission to change a user of the same or a higher role",
            (await admin.Client.PutJsonAsync("/api/user/", new { id = peer.Id, display_name = "hacked" })).Failure());
        Assert.Equal("no permission to raise a user to your own role or above",
            (await admin.Client.PutJsonAsync("/api/user/", new { id = common.Id, role = UserRole.Admin })).Failure());
        Assert.Equal("no permission to delete a user of the same or a higher role", (await admin.Client.DeleteJsonAsync($"/api/user/{peer.Id}")).Failure());

        Assert.Equal(common.Username, (await admin.Client.GetJsonAsync($"/api/user/{common.Id}")).Data().GetProperty("username").GetString());
        (await admin.Client.PutJsonAsync("/api/user/", new { id = common.Id, display_name = "Renamed" })).Data();
        Assert.Equal("Renamed", (await admin.Client.GetJsonAsync($"/api/user/{common.Id}")).Data().GetProperty("display_name").GetString());
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Update_QuotaChange_WritesManageLog_AndEmptyPasswordKeepsTheOld(string database)
    {
        var gateway = await pool.GetAsync(database);
        using var user = await gateway.MemberAsync(quota: 500_000);

        (await gateway.Admin.PutJsonAsync("/api/user/", new { id = user.Id, quota = 1_000_000, password = "", group = "vip" })).Data();

        await using var db = await gateway.DbAsync();
        var stored = await db.Users.SingleAsync(u => u.Id == user.Id);
        Assert.Equal((1_000_000L, "vip"), (stored.Quota, stored.Group));
        Assert.True(OneApi.Server.Auth.PasswordHash.Verify("password123", stored.Password));
        var log = await db.Logs.SingleAsync(l => l.UserId == user.Id);
        Assert.Equal((LogType.Manage, "Admin changed user quota from $1.000000 quota to $2.000000 quota"), (log.Type, log.Content));
    }

    [Fact]
    public async Task Update_InvalidFields_AreRefused()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var user = await gateway.MemberAsync();
        Assert.Equal("invalid parameters", (await gateway.Admin.PutJsonAsync("/api/user/", new { display_name = "x" })).Failure());
        Assert.Equal("quota cannot be negative", (await gateway.Admin.PutJsonAsync("/api/user/", new { id = user.Id, quota = -1 })).Failure());
        Assert.Equal("display name must be at most 20 characters",
            (await gateway.Admin.PutJsonAsync("/api/user/", new { id = user.Id, display_name = new string('d', 21) })).Failure());
        Assert.Equal("user not found", (await gateway.Admin.PutJsonAsync("/api/user/", new { id = 999_999 })).Failure());
    }

    [Fact]
    public async Task Manage_FollowsOneApiRules()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var admin = await gateway.MemberAsync(UserRole.Admin);
        using var user = await gateway.MemberAsync();

        Task<JsonElement> Manage(HttpClient client, string username, string action) =>
            client.PostJsonAsync("/api/user/manage", new { username, action });

        Assert.Equal("only root can promote users to admin", (await Manage(admin.Client, user.Username, "promote")).Failure());
        Assert.Equal("the user is already a common user", (await Manage(admin.Client, user.Username, "demote")).Failure());
        var disabled = (await Manage(admin.Client, user.Username, "disable")).Data();
        Assert.Equal((UserRole.Common, UserStatus.Disabled), (disabled.GetProperty("role").GetInt32(), disabled.GetProperty("status").GetInt32()));
        Assert.Equal(UserStatus.Enabled, (await Manage(admin.Client, user.Username, "enable")).Data().GetProperty("status").GetInt32());
        Assert.Equal(UserRole.Admin, (await Manage(gateway.Admin, user.Username, "promote")).Data().GetProperty("role").GetInt32());
        Assert.Equal("the user is already an admin", (await Manage(gateway.Admin, user.Username, "promote")).Failure());
        Assert.Equal("no permission to change a user of the same or a higher role", (await Manage(admin.Client, user.Username, "demote")).Failure());
        Assert.Equal(UserRole.Common, (await Manage(gateway.Admin, user.Username, "demote")).Data().GetProperty("role").GetInt32());
        Assert.Equal("unknown action", (await Manage(gateway.Admin, user.Username, "explode")).Failure());
        Assert.Equal("user not found", (await Manage(gateway.Admin, "nobody-here", "disable")).Failure());

        Assert.Equal("no permission to change a user of the same or a higher role", (await Manage(admin.Client, "root", "disable")).Failure());
        Assert.Equal("the root user cannot be disabled", (await Manage(gateway.Admin, "root", "disable")).Failure());
        Assert.Equal("the root user cannot be deleted", (await Manage(gateway.Admin, "root", "delete")).Failure());
        Assert.Equal("the root user cannot be demoted", (await Manage(gateway.Admin, "root", "demote")).Failure());
        Assert.Equal("no permission to delete a user of the same or a higher role", (await gateway.Admin.DeleteJsonAsync("/api/user/1")).Failure());
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Delete_IsSoft_FreesTheUsername_AndLocksTheUserOut(string database)
    {
        var gateway = await pool.GetAsync(database);
        using var user = await gateway.MemberAsync();

        (await gateway.Admin.DeleteJsonAsync($"/api/user/{user.Id}")).Data();

        await using var db = await gateway.DbAsync();
        var stored = await db.Users.SingleAsync(u => u.Id == user.Id);
        Assert.Equal(UserStatus.Deleted, stored.Status);
        Assert.StartsWith("deleted_", stored.Username);
        Assert.Equal("user has been banned", (await user.Client.GetJsonAsync("/api/user/self")).Failure());
        var listed = (await gateway.Admin.GetJsonAsync("/api/user/?p=0")).Data();
        Assert.DoesNotContain(listed.EnumerateArray(), u => u.GetProperty("id").GetInt32() == user.Id);
        (await gateway.Admin.PostJsonAsync("/api/user/", new { username = user.Username, password = "password123" })).Data();
        Assert.Equal("user not found", (await gateway.Admin.DeleteJsonAsync($"/api/user/{user.Id}")).Failure());
    }

    [Fact]
    public async Task List_OrderByQuota_PutsTheRichestFirst()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var rich = await gateway.MemberAsync(quota: long.MaxValue / 4);
        var first = (await gateway.Admin.GetJsonAsync("/api/user/?p=0&order=quota")).Data()[0];
        Assert.Equal(rich.Id, first.GetProperty("id").GetInt32());
        Assert.Equal(0, (await gateway.Admin.GetJsonAsync("/api/user/?p=100000")).Data().GetArrayLength());
    }
}
