using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>Log lists, filters, search, stat sums and deletion, for admins and for a user's own rows.</summary>
public sealed class LogTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    /// <summary>gpt-4o-mini at ratio 0.075 × (11 + 7 × 4) tokens, rounded up.</summary>
    private const int ChatQuota = 3;

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task AdminList_EveryFilterNarrowsToTheMatchingRows(string database)
    {
        var gateway = await pool.GetAsync(database);
        var account = await gateway.CreateAccountAsync();
        var channelId = await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));
        var requestId = await gateway.ChatAsync(account.Key);
        (await gateway.Admin.PostJsonAsync("/api/topup", new { user_id = account.UserId, quota = 1000, remark = "bonus" })).Data();
        var user = account.Group; // CreateAccountAsync names the user after its group

        var consume = (await gateway.Admin.GetJsonAsync($"/api/log/?p=0&type=2&username={user}")).Data();
        var row = Assert.Single(consume.EnumerateArray());
        Assert.Equal((channelId, requestId, ChatQuota, "gpt-4o-mini"),
            (row.GetProperty("channel").GetInt32(), row.GetProperty("request_id").GetString(), row.GetProperty("quota").GetInt32(), row.GetProperty("model_name").GetString()));
        Assert.Equal(2, (await gateway.Admin.GetJsonAsync($"/api/log/?username={user}")).Data().GetArrayLength());
        var topup = Assert.Single((await gateway.Admin.GetJsonAsync($"/api/log/?type=1&username={user}")).Data().EnumerateArray());
        Assert.Equal(("bonus", 1000), (topup.GetProperty("content").GetString(), topup.GetProperty("quota").GetInt32()));
        Assert.Single((await gateway.Admin.GetJsonAsync($"/api/log/?token_name=t-{user}")).Data().EnumerateArray());
        Assert.Single((await gateway.Admin.GetJsonAsync($"/api/log/?channel={channelId}")).Data().EnumerateArray());
        Assert.Single((await gateway.Admin.GetJsonAsync($"/api/log/?username={user}&model_name=gpt-4o-mini")).Data().EnumerateArray());
        Assert.Empty((await gateway.Admin.GetJsonAsync($"/api/log/?username={user}&model_name=gpt-4")).Data().EnumerateArray());
        var createdAt = row.GetProperty("created_at").GetInt64();
        Assert.Equal(2, (await gateway.Admin.GetJsonAsync($"/api/log/?username={user}&start_timestamp={createdAt - 60}&end_timestamp={createdAt + 60}")).Data().GetArrayLength());
        Assert.Empty((await gateway.Admin.GetJsonAsync($"/api/log/?username={user}&start_timestamp={createdAt + 3600}")).Data().EnumerateArray());

        var stat = (await gateway.Admin.GetJsonAsync($"/api/log/stat?username={user}&type=1")).Data();
        Assert.Equal(ChatQuota, stat.GetProperty("quota").GetInt64()); // consume rows only, whatever type is asked
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task SelfList_ShowsOnlyTheCallersRows_WhateverItAsksFor(string database)
    {
        var gateway = await pool.GetAsync(database);
        var mine = await gateway.CreateAccountAsync();
        var theirs = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(mine.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(mine.Group, "ok"));
        await gateway.CreateChannelAsync(theirs.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(theirs.Group, "ok"));
        await gateway.ChatAsync(mine.Key);
        await gateway.ChatAsync(theirs.Key);
        await gateway.ChatAsync(theirs.Key);
        using var client = await gateway.ClientForAsync(mine.UserId);

        var own = (await client.GetJsonAsync($"/api/log/self?p=0&username={theirs.Group}")).Data();
        Assert.All(own.EnumerateArray(), l => Assert.Equal(mine.UserId, l.GetProperty("user_id").GetInt32()));
        Assert.Single(own.EnumerateArray());
        Assert.Empty((await client.GetJsonAsync($"/api/log/self?token_name=t-{theirs.Group}")).Data().EnumerateArray());
        Assert.Equal(ChatQuota, (await client.GetJsonAsync($"/api/log/self/stat?username={theirs.Group}")).Data().GetProperty("quota").GetInt64());
        Assert.Single((await client.GetJsonAsync("/api/log/self/search?keyword=2")).Data().EnumerateArray());
        Assert.Empty((await client.GetJsonAsync("/api/log/self/search?keyword=model")).Data().EnumerateArray());
        Assert.Equal(2 * ChatQuota, (await gateway.Admin.GetJsonAsync($"/api/log/stat?username={theirs.Group}")).Data().GetProperty("quota").GetInt64());
    }

    [Fact]
    public async Task AdminSearch_MatchesTypeOrContentPrefix()
    {
        var gateway = await pool.GetAsync("sqlite");
        var marker = "marker-" + Guid.NewGuid().ToString("N")[..8];
        using var member = await gateway.MemberAsync();
        (await gateway.Admin.PostJsonAsync("/api/topup", new { user_id = member.Id, quota = 5, remark = marker })).Data();

        var found = Assert.Single((await gateway.Admin.GetJsonAsync($"/api/log/search?keyword={marker}")).Data().EnumerateArray());
        Assert.Equal(LogType.Topup, found.GetProperty("type").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task DeleteBefore_RemovesOlderRowsOnly(string database)
    {
        var gateway = await pool.GetAsync(database);
        using var member = await gateway.MemberAsync();
        await using (var db = await gateway.DbAsync())
        {
            db.Logs.AddRange(
                new Log { UserId = member.Id, CreatedAt = 1_000, Type = LogType.System, Content = "ancient" },
                new Log { UserId = member.Id, CreatedAt = 3_000, Type = LogType.System, Content = "old" });
            await db.SaveChangesAsync();
        }

        Assert.Equal("target_timestamp is required", (await gateway.Admin.DeleteJsonAsync("/api/log/")).Failure());
        var deleted = (await gateway.Admin.DeleteJsonAsync("/api/log/?target_timestamp=2000")).Data().GetInt32();

        Assert.True(deleted >= 1);
        await using var after = await gateway.DbAsync();
        Assert.Equal(["old"], await after.Logs.Where(l => l.UserId == member.Id).Select(l => l.Content).ToListAsync());
    }
}
