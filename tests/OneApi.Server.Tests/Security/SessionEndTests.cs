using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Admin;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Security;

/// <summary>
/// A session cookie saved before logout, a password change, or an admin's disable or reset is refused afterwards,
/// on every node: the attacker who copied it gets nothing.
/// </summary>
public sealed class SessionEndTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task CookieSavedBeforeLogout_IsRefusedAfterwards_OnEveryNode(string database)
    {
        var gateway = await pool.GetAsync(database);
        await using var peer = await gateway.StartPeerAsync();
        using var member = await gateway.MemberAsync();
        var stolen = await gateway.SessionCookieAsync(member.Username, ApiClient.Password);
        using var victim = gateway.WithCookie(stolen);
        using var attackerOnPeer = peer.WithCookie(stolen);
        (await attackerOnPeer.GetJsonAsync("/api/user/self")).Data();

        (await victim.GetJsonAsync("/api/user/logout")).Data();

        Assert.Equal("not logged in", (await victim.GetJsonAsync("/api/user/self")).Failure());
        Assert.Equal("not logged in", (await attackerOnPeer.GetJsonAsync("/api/user/self")).Failure());
        Assert.Equal("not logged in", (await attackerOnPeer.PostJsonAsync("/api/token/", new { name = "loot", remain_quota = 1, expired_time = -1 })).Failure());
    }

    [Fact]
    public async Task LoggingOutWithAnOldCookie_DoesNotEndTheCurrentSession()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var member = await gateway.MemberAsync();
        using var old = gateway.WithCookie(await gateway.SessionCookieAsync(member.Username, ApiClient.Password));
        (await old.GetJsonAsync("/api/user/logout")).Data();
        using var current = gateway.WithCookie(await gateway.SessionCookieAsync(member.Username, ApiClient.Password));

        (await old.GetJsonAsync("/api/user/logout")).Data();

        (await current.GetJsonAsync("/api/user/self")).Data();
    }

    [Fact]
    public async Task PasswordChange_EndsOtherSessions_AndKeepsTheChangersOwn()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var member = await gateway.MemberAsync();
        var stolen = await gateway.SessionCookieAsync(member.Username, ApiClient.Password);
        using var response = await gateway.LoginAsync(member.Username, ApiClient.Password);
        using var owner = gateway.WithCookie(SessionClient.CookieOf(response));

        using var change = await owner.PutAsync("/api/user/self", System.Net.Http.Json.JsonContent.Create(
            new { password = "changed-pass1", original_password = ApiClient.Password }));
        Assert.True(change.IsSuccessStatusCode);

        using var attacker = gateway.WithCookie(stolen);
        Assert.Equal("not logged in", (await attacker.GetJsonAsync("/api/user/self")).Failure());
        using var renewed = gateway.WithCookie(SessionClient.CookieOf(change));
        (await renewed.GetJsonAsync("/api/user/self")).Data();
    }

    [Fact]
    public async Task AdminDisablingThenEnabling_EndsTheUsersSessions()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var member = await gateway.MemberAsync();
        using var stolen = gateway.WithCookie(await gateway.SessionCookieAsync(member.Username, ApiClient.Password));

        (await gateway.Admin.PostJsonAsync("/api/user/manage", new { username = member.Username, action = "disable" })).Data();
        (await gateway.Admin.PostJsonAsync("/api/user/manage", new { username = member.Username, action = "enable" })).Data();

        Assert.Equal("not logged in", (await stolen.GetJsonAsync("/api/user/self")).Failure());
    }

    [Fact]
    public async Task AdminSettingThePassword_EndsTheUsersSessions()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var member = await gateway.MemberAsync();
        using var stolen = gateway.WithCookie(await gateway.SessionCookieAsync(member.Username, ApiClient.Password));

        (await gateway.Admin.PutJsonAsync("/api/user/", new { id = member.Id, password = "reset-by-admin" })).Data();

        Assert.Equal("not logged in", (await stolen.GetJsonAsync("/api/user/self")).Failure());
        await using var db = await gateway.DbAsync();
        Assert.True(await db.Users.AnyAsync(u => u.Id == member.Id && u.Status == UserStatus.Enabled));
    }
}
