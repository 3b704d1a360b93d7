using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Relay;

public sealed class SuccessRateMonitorTests(SuccessRateMonitorTests.Pool pool) : IClassFixture<SuccessRateMonitorTests.Pool>
{
    public sealed class Pool : GatewayPool
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["ENABLE_METRIC"] = "true",
            ["METRIC_QUEUE_SIZE"] = "4",
            ["METRIC_SUCCESS_RATE_THRESHOLD"] = "0.5",
            ["CHANNEL_SUSPEND_SECONDS_FOR_5XX"] = "0",
        };
    }

    private static async Task<HttpStatusCode> ChatAsync(TestGateway gateway, TestAccount account)
    {
        using var response = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());
        return response.StatusCode;
    }

    [Fact]
    public async Task ChannelFailingMostCalls_IsDisabledOnceItsWindowFills()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        var channel = await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "error500"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await ChatAsync(gateway, account));
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.InternalServerError, 4).Append(HttpStatusCode.ServiceUnavailable), statuses);
        await using var db = await gateway.DbAsync();
        Assert.Equal(ChannelStatus.AutoDisabled, (await db.Channels.SingleAsync(c => c.Id == channel)).Status);
    }

    [Fact]
    public async Task HealthyChannel_StaysEnabled()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        var channel = await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await ChatAsync(gateway, account));
        }

        await using var db = await gateway.DbAsync();
        Assert.Equal(ChannelStatus.Enabled, (await db.Channels.SingleAsync(c => c.Id == channel)).Status);
    }
}
