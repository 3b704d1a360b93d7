using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Admin;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Hardening;

/// <summary>
/// The authorization matrix's other half: a user at the right level still reaches nothing of another user's through
/// any route that takes an id or a filter, and an admin nothing of a user at or above its own role.
/// </summary>
public sealed class CrossUserAccessTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    [Fact]
    public async Task CommonUser_GetsNothingOfAnotherUsersTokensOrLogs()
    {
        var gateway = await pool.GetAsync("sqlite");
        var alice = await gateway.CreateAccountAsync();
        var bob = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(bob.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(bob.Group, "ok"));
        var bobRequestId = await gateway.ChatAsync(bob.Key);
        string bobTokenName;
        await using (var db = await gateway.DbAsync())
        {
            bobTokenName = (await db.Tokens.SingleAsync(t => t.Id == bob.TokenId)).Name;
        }
        using var asAlice = await gateway.ClientForAsync(alice.UserId);

        Assert.NotEmpty((await asAlice.GetJsonAsync($"/api/token/{bob.TokenId}")).Failure());
        Assert.NotEmpty((await asAlice.PutJsonAsync("/api/token/", new { id = bob.TokenId, name = "stolen", remain_quota = 1 })).Failure());
        Assert.NotEmpty((await asAlice.PutJsonAsync("/api/token/?status_only=1", new { id = bob.TokenId, status = 2 })).Failure());
        Assert.NotEmpty((await asAlice.DeleteJsonAsync($"/api/token/{bob.TokenId}")).Failure());
        Assert.DoesNotContain(Ids(await asAlice.GetJsonAsync("/api/token/")), id => id == bob.TokenId);
        Assert.DoesNotContain(Ids(await asAlice.GetJsonAsync($"/api/token/search?keyword={bobTokenName}")), id => id == bob.TokenId);

        foreach (var url in (string[])[
                     "/api/log/self", $"/api/log/self?token_name={bobTokenName}", $"/api/log/self/search?keyword={bobRequestId}",
                     "/api/log/self?type=2"])
        {
            var rows = (await asAlice.GetJsonAsync(url)).Data();
            Assert.All(rows.EnumerateArray(), row => Assert.Equal(alice.UserId, row.GetProperty("user_id").GetInt32()));
        }
        Assert.Equal(0, (await asAlice.GetJsonAsync($"/api/log/self/stat?token_name={bobTokenName}")).Data().GetProperty("quota").GetInt64());

        await using var after = await gateway.DbAsync();
        var token = await after.Tokens.SingleAsync(t => t.Id == bob.TokenId);
        Assert.Equal((TokenStatus.Enabled, bobTokenName), (token.Status, token.Name));
    }

    [Fact]
    public async Task Admin_ReachesNoUserAtOrAboveItsRole()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var admin = await gateway.MemberAsync(UserRole.Admin);
        using var otherAdmin = await gateway.MemberAsync(UserRole.Admin);
        using var common = await gateway.MemberAsync();
        await using var db = await gateway.DbAsync();
        var rootId = await db.Users.Where(u => u.Role == UserRole.Root).Select(u => u.Id).FirstAsync();

        foreach (var target in (int[])[rootId, otherAdmin.Id])
        {
            Assert.NotEmpty((await admin.Client.GetJsonAsync($"/api/user/{target}")).Failure());
            Assert.NotEmpty((await admin.Client.PutJsonAsync("/api/user/", new { id = target, username = "x" + target, display_name = "x", quota = 1 })).Failure());
            Assert.NotEmpty((await admin.Client.DeleteJsonAsync($"/api/user/{target}")).Failure());
        }
        Assert.NotEmpty((await admin.Client.PostJsonAsync("/api/user/manage", new { username = otherAdmin.Username, action = "disable" })).Failure());
        Assert.NotEmpty((await admin.Client.PostJsonAsync("/api/user/manage", new { username = common.Username, action = "promote" })).Failure());
        Assert.True((await admin.Client.GetJsonAsync($"/api/user/{common.Id}")).GetProperty("success").GetBoolean());

        var untouched = await db.Users.Where(u => u.Id == rootId || u.Id == otherAdmin.Id).ToListAsync();
        Assert.All(untouched, u => Assert.Equal(UserStatus.Enabled, u.Status));
        Assert.Equal(UserRole.Common, (await db.Users.SingleAsync(u => u.Id == common.Id)).Role);
    }

    private static IEnumerable<int> Ids(JsonElement envelope) =>
        envelope.Data().EnumerateArray().Select(t => t.GetProperty("id").GetInt32());
}
