using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>Laisky's additions: cost by request id, spend reported with a relay key, key owner lookup, legacy billing routes.</summary>
public sealed class ExternalBillingTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    private static HttpClient KeyClient(TestGateway gateway, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task CostByRequestId_IsTheRawRecordWithDollars(string database)
    {
        var gateway = await pool.GetAsync(database);
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));
        var requestId = await gateway.ChatAsync(account.Key);

        var cost = JsonDocument.Parse(await gateway.Http.GetStringAsync($"/api/cost/request/{requestId}")).RootElement;

        Assert.Equal((account.UserId, requestId, 3L), (cost.GetProperty("user_id").GetInt32(), cost.GetProperty("request_id").GetString(), cost.GetProperty("quota").GetInt64()));
        Assert.Equal(3 / 500_000.0, cost.GetProperty("cost_usd").GetDouble());
        Assert.True(cost.GetProperty("id").GetInt32() > 0 && cost.GetProperty("created_time").GetInt64() > 0);
        Assert.False(cost.TryGetProperty("success", out _));
        Assert.Equal("no cost recorded for this request id", (await gateway.Http.GetJsonAsync("/api/cost/request/nope")).Failure());
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Consume_DebitsTheTokenOnly_LogsTheReason_AndAnswersWithTheToken(string database)
    {
        var gateway = await pool.GetAsync(database);
        var account = await gateway.CreateAccountAsync(userQuota: 5_000, tokenQuota: 1_000);
        using var client = KeyClient(gateway, account.Key);

        var token = (await client.PostJsonAsync("/api/token/consume", new { add_used_quota = 400, add_reason = "web-search" })).Data();

        Assert.Equal((account.TokenId, 600L, 400L), (token.GetProperty("id").GetInt32(), token.GetProperty("remain_quota").GetInt64(), token.GetProperty("used_quota").GetInt64()));
        Assert.Equal("the token's remaining quota is not enough", (await client.PostJsonAsync("/api/token/consume", new { add_used_quota = 601, add_reason = "x" })).Failure());
        Assert.Equal("add_used_quota must be a positive whole number", (await client.PostJsonAsync("/api/token/consume", new { add_used_quota = 0, add_reason = "x" })).Failure());
        Assert.Equal("add_reason cannot be empty", (await client.PostJsonAsync("/api/token/consume", new { add_used_quota = 1, add_reason = "" })).Failure());

        await using var db = await gateway.DbAsync();
        Assert.Equal(5_000, (await db.Users.SingleAsync(u => u.Id == account.UserId)).Quota);
        var log = await db.Logs.SingleAsync(l => l.UserId == account.UserId);
        Assert.Equal((LogType.Consume, "web-search", 400, $"t-{account.Group}", "External (web-search) consumed $0.000800 quota"),
            (log.Type, log.ModelName, log.Quota, log.TokenName, log.Content));
        Assert.NotEmpty(log.RequestId);
    }

    [Fact]
    public async Task Consume_WithoutAValidKey_IsAnOpenAIStyle401()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var client = KeyClient(gateway, "sk-" + new string('x', 48));
        using var response = await client.PostAsJsonAsync("/api/token/consume", new { add_used_quota = 1, add_reason = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("one_api_error", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString());
        // an access token is not a relay key
        using var byAccessToken = await gateway.Admin.PostAsJsonAsync("/api/token/consume", new { add_used_quota = 1, add_reason = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, byAccessToken.StatusCode);
    }

    [Fact]
    public async Task GetByToken_NamesTheKeysOwner()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        using var client = KeyClient(gateway, account.Key);

        var owner = JsonDocument.Parse(await client.GetStringAsync("/api/user/get-by-token")).RootElement;

        Assert.Equal((account.UserId, account.TokenId, account.Group),
            (owner.GetProperty("uid").GetInt32(), owner.GetProperty("token_id").GetInt32(), owner.GetProperty("username").GetString()));
    }

    [Fact]
    public async Task BillingRoutes_ReportTheKeysLimitAndUsage_UnderBothPrefixes()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync(tokenQuota: 1_000_000);
        var unlimited = await gateway.CreateAccountAsync(unlimited: true);
        using var client = KeyClient(gateway, account.Key);
        (await client.PostJsonAsync("/api/token/consume", new { add_used_quota = 250_000, add_reason = "x" })).Data();

        foreach (var prefix in (string[])["", "/v1"])
        {
            var subscription = JsonDocument.Parse(await client.GetStringAsync($"{prefix}/dashboard/billing/subscription")).RootElement;
            Assert.Equal(("billing_subscription", true, 2.0, 0L), (subscription.GetProperty("object").GetString(), subscription.GetProperty("has_payment_method").GetBoolean(),
                subscription.GetProperty("hard_limit_usd").GetDouble(), subscription.GetProperty("access_until").GetInt64()));
            var usage = JsonDocument.Parse(await client.GetStringAsync($"{prefix}/dashboard/billing/usage")).RootElement;
            Assert.Equal(50.0, usage.GetProperty("total_usage").GetDouble()); // $0.50 in cents
        }
        using var unlimitedClient = KeyClient(gateway, unlimited.Key);
        var unlimitedSubscription = JsonDocument.Parse(await unlimitedClient.GetStringAsync("/dashboard/billing/subscription")).RootElement;
        Assert.Equal(100_000_000, unlimitedSubscription.GetProperty("soft_limit_usd").GetDouble());
        using var anonymous = await gateway.Http.GetAsync("/v1/dashboard/billing/usage");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
