using System.Net;
using System.Net.Http.Json;
using System.Text;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Hardening;

public sealed class RateLimitTests(RateLimitTests.Pool pool) : IClassFixture<RateLimitTests.Pool>
{
    public sealed class Pool : GatewayPool
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["CRITICAL_RATE_LIMIT"] = "3",
            ["GLOBAL_RELAY_RATE_LIMIT"] = "2",
        };
    }

    [Fact]
    public async Task LoginAttempts_AreLimitedPerIp_With429AndRetryAfter()
    {
        var gateway = await pool.GetAsync("sqlite");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last?.Dispose();
            last = await gateway.Http.PostAsJsonAsync("/api/user/login", new { username = "root", password = "wrong" + i });
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(int.Parse(last!.Headers.GetValues("Retry-After").Single()) > 0);
        // The rest of /api is not under the login limit.
        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.GetAsync("/api/status")).StatusCode);
        last.Dispose();
    }

    [Fact]
    public async Task RelayCalls_AreLimitedPerKey_WhenGlobalRelayRateLimitIsSet()
    {
        var gateway = await pool.GetAsync("sqlite");
        var first = await gateway.CreateAccountAsync();
        var second = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(first.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(first.Group, "ok"));

        async Task<HttpStatusCode> CallAsync(TestAccount account)
        {
            using var response = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await CallAsync(first));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(first));
        Assert.Equal(HttpStatusCode.TooManyRequests, await CallAsync(first));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await CallAsync(second));
        Assert.Equal(2, pool.Upstream.Requests(first.Group).Count);
    }

    /// <summary>Every way a client may send the same key, Anthropic's <c>x-api-key</c> included.</summary>
    public static TheoryData<string, string> KeyHeaders(string key) => new()
    {
        { "Authorization", "Bearer " + key },
        { "Authorization", "bearer " + key },
        { "Authorization", key },
        { "Authorization", key["sk-".Length..] },
        { "Authorization", "Bearer " + key["sk-".Length..] + " " },
        { "x-api-key", key },
        { "x-api-key", key["sk-".Length..] },
    };

    [Fact]
    public async Task RelayLimit_IsPerToken_WhicheverHeaderCarriesTheKey()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));

        var statuses = new List<HttpStatusCode>();
        foreach (var (header, value) in KeyHeaders(account.Key).Select(row => ((string)row[0], (string)row[1])))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent(TestGateway.ChatRequest(), Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation(header, value);
            using var response = await gateway.Http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], statuses.Take(2));
        Assert.All(statuses.Skip(2), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));
        Assert.Equal(2, pool.Upstream.Requests(account.Group).Count);
    }
}
