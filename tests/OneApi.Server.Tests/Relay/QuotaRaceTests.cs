using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Relay;

public sealed class QuotaRaceTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task HundredConcurrentRequests_OnATokenCoveringTen_NeverOverdraw(string database)
    {
        var gateway = await pool.GetAsync(database);
        // Each request reserves (500 + prompt) × 0.075 = 38 and finally costs 3. A quota of 380 covers ten reservations.
        const long tokenQuota = 380;
        var account = await gateway.CreateAccountAsync(userQuota: 1_000_000_000, tokenQuota: tokenQuota);
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));

        var statuses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            using var response = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());
            return response.StatusCode;
        }));

        var succeeded = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, s.ToString()));
        await using var db = await gateway.DbAsync();
        var token = await db.Tokens.SingleAsync(t => t.Id == account.TokenId);
        var charged = await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).SumAsync(l => l.Quota);
        Assert.InRange(succeeded, 10, 100);
        Assert.Equal(succeeded * 3, charged);
        Assert.Equal(tokenQuota - charged, token.RemainQuota);
        Assert.Equal(charged, token.UsedQuota);
        Assert.True(token.RemainQuota >= 0);
        Assert.Equal(succeeded, pool.Upstream.Requests(account.Group).Count);
    }
}
