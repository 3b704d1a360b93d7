using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Relay;

/// <summary>Every way a relay request can fail: the client's answer, and the quota left exactly where it was.</summary>
public sealed class RelayErrorTests(RelayErrorTests.Pool pool) : IClassFixture<RelayErrorTests.Pool>
{
    public sealed class Pool : GatewayPool
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["RELAY_TIMEOUT"] = "1",
            ["MAX_REQUEST_BODY_MB"] = "1",
        };
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, string? RequestId)> PostAsync(TestGateway gateway, string? key, string body)
    {
        using var response = await gateway.RelayAsync(key, body);
        var text = await response.Content.ReadAsStringAsync();
        var requestId = response.Headers.TryGetValues("X-Oneapi-Request-Id", out var ids) ? ids.First() : null;
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), requestId);
    }

    private static readonly string ChatBody = TestGateway.ChatRequest();

    private static string Message(JsonElement body) => body.GetProperty("error").GetProperty("message").GetString()!;

    [Fact]
    public async Task MalformedJson_Is400WithOpenAIErrorBody()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();

        var (status, body, requestId) = await PostAsync(gateway, "Bearer " + account.Key, "{\"model\": \"gpt-4o-mini\", \"messages\": [");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.EndsWith($"(request id: {requestId})", Message(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413WithoutReadingIt()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        // Announce 2 MiB against the 1 MiB limit and send only the start: the answer must not wait for the rest.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, new Uri(gateway.BaseUrl).Port);
        await using var stream = tcp.GetStream();
        var head = $"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {account.Key}\r\n" +
                   $"Content-Type: application/json\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n{{\"model\":\"gpt-4o-mini\",";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        using var reader = new StreamReader(stream);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 413", statusLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoChannelForTheModel_Is503WithOneApiMessage()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();

        var (status, body, _) = await PostAsync(gateway, "Bearer " + account.Key, ChatBody);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.StartsWith($"No available channels for Model gpt-4o-mini under Group {account.Group}", Message(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer sk-notarealkeynotarealkeynotarealkeynotarealkey1234")]
    public async Task MissingOrUnknownKey_Is401(string? key)
    {
        var gateway = await pool.GetAsync("sqlite");

        var (status, body, _) = await PostAsync(gateway, key, ChatBody);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("one_api_error", body.GetProperty("error").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("disabled")]
    [InlineData("expired")]
    [InlineData("exhausted")]
    public async Task UnusableToken_Is401(string state)
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));
        await using (var db = await gateway.DbAsync())
        {
            var token = await db.Tokens.AsTracking().SingleAsync(t => t.Id == account.TokenId);
            switch (state)
            {
                case "disabled": token.Status = TokenStatus.Disabled; break;
                case "expired": token.ExpiredTime = 1000; break;
                default: token.RemainQuota = 0; break;
            }
            await db.SaveChangesAsync();
        }

        var (status, _, _) = await PostAsync(gateway, "Bearer " + account.Key, ChatBody);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(pool.Upstream.Requests(account.Group));
    }

    [Fact]
    public async Task ModelOutsideTheTokensAllowList_Is403()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync(models: "gpt-4o");
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));

        var (status, _, _) = await PostAsync(gateway, "Bearer " + account.Key, ChatBody);

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Theory]
    [InlineData("10.0.0.0/8", HttpStatusCode.Forbidden)]
    [InlineData("10.0.0.0/8, 127.0.0.0/24", HttpStatusCode.OK)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    public async Task TokenSubnet_AdmitsOnlyItsAddresses(string subnet, HttpStatusCode expected)
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));
        await using (var db = await gateway.DbAsync())
        {
            var token = await db.Tokens.AsTracking().SingleAsync(t => t.Id == account.TokenId);
            token.Subnet = subnet;
            await db.SaveChangesAsync();
        }

        var (status, _, _) = await PostAsync(gateway, "Bearer " + account.Key, ChatBody);

        Assert.Equal(expected, status);
    }

    [Fact]
    public async Task ChannelPinning_IsForAdminsOnly()
    {
        var gateway = await pool.GetAsync("sqlite");
        var common = await gateway.CreateAccountAsync();
        var admin = await gateway.CreateAccountAsync(role: UserRole.Admin);
        var channelId = await gateway.CreateChannelAsync(admin.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(admin.Group, "ok"));

        var (commonStatus, commonBody, _) = await PostAsync(gateway, $"Bearer {common.Key}-{channelId}", ChatBody);
        var (adminStatus, _, _) = await PostAsync(gateway, $"Bearer {admin.Key}-{channelId}", ChatBody);

        Assert.Equal(HttpStatusCode.Forbidden, commonStatus);
        Assert.Contains("Ordinary users do not support specifying channels", Message(commonBody), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, adminStatus);
    }

    [Fact]
    public async Task InsufficientUserQuota_Is403AndNothingIsSent()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync(userQuota: 5);
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));

        var (status, body, _) = await PostAsync(gateway, "Bearer " + account.Key, ChatBody);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("insufficient_user_quota", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(pool.Upstream.Requests(account.Group));
    }

    [Theory]
    [InlineData("error429", HttpStatusCode.TooManyRequests, "rate_limit_exceeded")]
    [InlineData("error500", HttpStatusCode.InternalServerError, null)]
    [InlineData("error401", HttpStatusCode.Unauthorized, "invalid_api_key")]
    [InlineData("hang", HttpStatusCode.GatewayTimeout, "upstream_timeout")]
    public async Task UpstreamFailure_IsPassedOnAndTheReservationRefunded(string scenario, HttpStatusCode expected, string? code)
    {
        var gateway = await pool.GetAsync("sqlite");
        // A token small enough that the PR #25 rule reserves quota before the call.
        var account = await gateway.CreateAccountAsync(userQuota: 1_000_000, tokenQuota: 2_000);
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, scenario));

        var (status, body, requestId) = await PostAsync(gateway, "Bearer " + account.Key, ChatBody);

        Assert.Equal(expected, status);
        Assert.EndsWith($"(request id: {requestId})", Message(body), StringComparison.Ordinal);
        if (code is not null)
        {
            Assert.Equal(code, body.GetProperty("error").GetProperty("code").GetString());
        }
        await using var db = await gateway.DbAsync();
        var token = await db.Tokens.SingleAsync(t => t.Id == account.TokenId);
        Assert.Equal((2_000L, 0L), (token.RemainQuota, token.UsedQuota));
        Assert.Equal(1_000_000, (await db.Users.SingleAsync(u => u.Id == account.UserId)).Quota);
        Assert.False(await db.Logs.AnyAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume));
    }

    [Fact]
    public async Task UpstreamErrorQuotingTheChannelKey_NeverShowsItToTheClient()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "error401-echo"));

        using var response = await gateway.RelayAsync("Bearer " + account.Key, ChatBody);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("sk-upstream-" + account.Group, body, StringComparison.Ordinal);
        Assert.Contains("Incorrect API key provided: [channel key]", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamUnreachable_Is502AndTheReservationRefunded()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync(userQuota: 1_000_000, tokenQuota: 2_000);
        var closedPort = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closedPort.Start();
        var port = ((IPEndPoint)closedPort.LocalEndpoint).Port;
        closedPort.Stop();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", $"http://127.0.0.1:{port}");

        var (status, _, _) = await PostAsync(gateway, "Bearer " + account.Key, ChatBody);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        await using var db = await gateway.DbAsync();
        Assert.Equal(2_000, (await db.Tokens.SingleAsync(t => t.Id == account.TokenId)).RemainQuota);
    }
}
