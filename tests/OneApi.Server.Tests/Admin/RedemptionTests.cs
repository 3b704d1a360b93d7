using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>Redemption codes: batches, edits, status, deletion, and redeeming them; and the admin top-up.</summary>
public sealed class RedemptionTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task CreateBatch_ListSearchGetEditDelete(string database)
    {
        var gateway = await pool.GetAsync(database);
        var name = "batch" + Guid.NewGuid().ToString("N")[..6];

        var keys = (await gateway.Admin.PostJsonAsync("/api/redemption/", new { name, count = 3, quota = 7000 })).Data();

        Assert.Equal(3, keys.GetArrayLength());
        Assert.All(keys.EnumerateArray(), k => Assert.Matches("^[0-9a-f]{32}$", k.GetString()));
        var found = (await gateway.Admin.GetJsonAsync($"/api/redemption/search?keyword={name}")).Data();
        Assert.Equal(3, found.GetArrayLength());
        var id = found[0].GetProperty("id").GetInt32();
        Assert.Contains((await gateway.Admin.GetJsonAsync("/api/redemption/?p=0")).Data().EnumerateArray(), r => r.GetProperty("id").GetInt32() == id);
        var one = (await gateway.Admin.GetJsonAsync($"/api/redemption/{id}")).Data();
        Assert.Equal((name, 7000L, RedemptionStatus.Enabled), (one.GetProperty("name").GetString(), one.GetProperty("quota").GetInt64(), one.GetProperty("status").GetInt32()));

        var edited = (await gateway.Admin.PutJsonAsync("/api/redemption/", new { id, name = "renamed", quota = 9000 })).Data();
        Assert.Equal(("renamed", 9000L), (edited.GetProperty("name").GetString(), edited.GetProperty("quota").GetInt64()));
        var disabled = (await gateway.Admin.PutJsonAsync("/api/redemption/?status_only=1", new { id, status = RedemptionStatus.Disabled })).Data();
        Assert.Equal(RedemptionStatus.Disabled, disabled.GetProperty("status").GetInt32());

        (await gateway.Admin.DeleteJsonAsync($"/api/redemption/{id}")).Data();
        Assert.Equal("redemption not found", (await gateway.Admin.GetJsonAsync($"/api/redemption/{id}")).Failure());
        Assert.Equal("redemption not found", (await gateway.Admin.DeleteJsonAsync($"/api/redemption/{id}")).Failure());
    }

    [Theory]
    [InlineData("", 1, "name must be 1 to 20 characters")]
    [InlineData("twenty-one-characters", 1, "name must be 1 to 20 characters")]
    [InlineData("ok", 0, "count must be from 1 to 100")]
    [InlineData("ok", 101, "count must be from 1 to 100")]
    public async Task Create_InvalidBatch_IsRefused(string name, int count, string message)
    {
        var gateway = await pool.GetAsync("sqlite");
        Assert.Equal(message, (await gateway.Admin.PostJsonAsync("/api/redemption/", new { name, count, quota = 1 })).Failure());
    }

    [Fact]
    public async Task Update_InvalidInput_IsRefused()
    {
        var gateway = await pool.GetAsync("sqlite");
        Assert.Equal("id is required", (await gateway.Admin.PutJsonAsync("/api/redemption/", new { name = "x" })).Failure());
        Assert.Equal("status must be 1 (enabled) or 2 (disabled)", (await gateway.Admin.PutJsonAsync("/api/redemption/?status_only=1", new { id = 1, status = 3 })).Failure());
        Assert.Equal("redemption not found", (await gateway.Admin.PutJsonAsync("/api/redemption/", new { id = 999_999, name = "x" })).Failure());
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Redeem_CreditsOnce_AndWritesATopUpLog(string database)
    {
        var gateway = await pool.GetAsync(database);
        using var user = await gateway.MemberAsync(quota: 100);
        var key = (await gateway.Admin.PostJsonAsync("/api/redemption/", new { name = "gift", count = 1, quota = 5000 })).Data()[0].GetString();

        Assert.Equal(5000, (await user.Client.PostJsonAsync("/api/user/topup", new { key })).Data().GetInt64());
        Assert.Equal("the redemption code has been used", (await user.Client.PostJsonAsync("/api/user/topup", new { key })).Failure());
        Assert.Equal("invalid redemption code", (await user.Client.PostJsonAsync("/api/user/topup", new { key = "nope" })).Failure());
        Assert.Equal("enter a redemption code", (await user.Client.PostJsonAsync("/api/user/topup", new { key = "" })).Failure());

        await using var db = await gateway.DbAsync();
        Assert.Equal(5100, (await db.Users.SingleAsync(u => u.Id == user.Id)).Quota);
        var redemption = await db.Redemptions.SingleAsync(r => r.Key == key);
        Assert.Equal(RedemptionStatus.Used, redemption.Status);
        Assert.True(redemption.RedeemedTime > 0);
        var log = await db.Logs.SingleAsync(l => l.UserId == user.Id);
        Assert.Equal((LogType.Topup, 5000, "redeemed a code for $0.010000 quota"), (log.Type, log.Quota, log.Content));
    }

    [Fact]
    public async Task Redeem_DisabledCode_IsRefused()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var user = await gateway.MemberAsync();
        var key = (await gateway.Admin.PostJsonAsync("/api/redemption/", new { name = "off", count = 1, quota = 10 })).Data()[0].GetString();
        await using (var db = await gateway.DbAsync())
        {
            var id = await db.Redemptions.Where(r => r.Key == key).Select(r => r.Id).SingleAsync();
            (await gateway.Admin.PutJsonAsync("/api/redemption/?status_only=1", new { id, status = RedemptionStatus.Disabled })).Data();
        }
        Assert.Equal("the redemption code is disabled", (await user.Client.PostJsonAsync("/api/user/topup", new { key })).Failure());
    }

    [Fact]
    public async Task Redeem_TwentyConcurrentAttempts_CreditExactlyOnce()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var user = await gateway.MemberAsync();
        var key = (await gateway.Admin.PostJsonAsync("/api/redemption/", new { name = "race", count = 1, quota = 77 })).Data()[0].GetString();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => user.Client.PostJsonAsync("/api/user/topup", new { key })));

        Assert.Single(results, r => r.GetProperty("success").GetBoolean());
        await using var db = await gateway.DbAsync();
        Assert.Equal(77, (await db.Users.SingleAsync(u => u.Id == user.Id)).Quota);
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task AdminTopUp_Credits_AndLogsTheRemarkOrADefault(string database)
    {
        var gateway = await pool.GetAsync(database);
        using var user = await gateway.MemberAsync();

        (await gateway.Admin.PostJsonAsync("/api/topup", new { user_id = user.Id, quota = 250_000 })).Data();
        Assert.Equal("quota must be positive", (await gateway.Admin.PostJsonAsync("/api/topup", new { user_id = user.Id, quota = 0 })).Failure());
        Assert.Equal("user not found", (await gateway.Admin.PostJsonAsync("/api/topup", new { user_id = 999_999, quota = 1 })).Failure());
        Assert.Equal("user_id and quota are required", (await gateway.Admin.PostJsonAsync("/api/topup", new { quota = 1 })).Failure());

        await using var db = await gateway.DbAsync();
        Assert.Equal(250_000, (await db.Users.SingleAsync(u => u.Id == user.Id)).Quota);
        var log = await db.Logs.SingleAsync(l => l.UserId == user.Id);
        Assert.Equal((LogType.Topup, 250_000, "topped up through the API: $0.500000 quota"), (log.Type, log.Quota, log.Content));
    }
}
