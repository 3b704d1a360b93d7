using System.Net;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Hardening;

public sealed class ApiRateLimitTests(ApiRateLimitTests.Pool pool) : IClassFixture<ApiRateLimitTests.Pool>
{
    public sealed class Pool : GatewayPool
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["GLOBAL_API_RATE_LIMIT"] = "5" };
    }

    [Fact]
    public async Task ManagementApi_IsLimitedPerIp_ButTheRelayIsNot()
    {
        var gateway = await pool.GetAsync("sqlite");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            using var response = await gateway.Http.GetAsync("/api/status");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        // /v1 is not counted against /api's limit: an unauthenticated relay call still gets its own 401.
        using var relay = await gateway.RelayAsync(null, TestGateway.ChatRequest());
        Assert.Equal(HttpStatusCode.Unauthorized, relay.StatusCode);
    }
}
