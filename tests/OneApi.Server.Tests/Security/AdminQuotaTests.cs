using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Admin;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Security;

/// <summary>
/// An admin cannot print money for itself: no top-up of its own account (nor a fellow admin's, to trade favours),
/// no edit of its own quota. Root, who owns the gateway, may credit anyone, itself included.
/// </summary>
public sealed class AdminQuotaTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    private const string Refused = "no permission to top up a user of the same or a higher role";

    [Fact]
    public async Task Admin_ToppingUpItselfOrAnotherAdmin_IsRefused()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var admin = await gateway.MemberAsync(UserRole.Admin, quota: 10);
        using var accomplice = await gateway.MemberAsync(UserRole.Admin, quota: 10);

        Assert.Equal(Refused, (await admin.Client.PostJsonAsync("/api/topup", new { user_id = admin.Id, quota = 1_000_000_000 })).Failure());
        Assert.Equal(Refused, (await admin.Client.PostJsonAsync("/api/topup", new { user_id = accomplice.Id, quota = 1_000_000_000 })).Failure());
        Assert.Equal("no permission to change a user of the same or a higher role",
            (await admin.Client.PutJsonAsync("/api/user/", new { id = admin.Id, quota = 1_000_000_000 })).Failure());

        await using var db = await gateway.DbAsync();
        Assert.Equal([10L, 10L], await db.Users.Where(u => u.Id == admin.Id || u.Id == accomplice.Id).Select(u => u.Quota).ToListAsync());
        Assert.False(await db.Logs.AnyAsync(l => l.Type == LogType.Topup && (l.UserId == admin.Id || l.UserId == accomplice.Id)));
    }

    [Fact]
    public async Task Admin_ToppingUpACommonUser_AndRootToppingUpItself_Work()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var admin = await gateway.MemberAsync(UserRole.Admin);
        using var member = await gateway.MemberAsync(quota: 10);
        long rootQuota;
        await using (var db = await gateway.DbAsync())
        {
            rootQuota = await db.Users.Where(u => u.Role == UserRole.Root).Select(u => u.Quota).SingleAsync();
        }
        var rootId = (await gateway.Admin.GetJsonAsync("/api/user/self")).Data().GetProperty("id").GetInt32();

        (await admin.Client.PostJsonAsync("/api/topup", new { user_id = member.Id, quota = 5 })).Data();
        (await gateway.Admin.PostJsonAsync("/api/topup", new { user_id = rootId, quota = 7 })).Data();

        await using var check = await gateway.DbAsync();
        Assert.Equal(15L, await check.Users.Where(u => u.Id == member.Id).Select(u => u.Quota).SingleAsync());
        Assert.Equal(rootQuota + 7, await check.Users.Where(u => u.Id == rootId).Select(u => u.Quota).SingleAsync());
    }
}
