using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Relay;

/// <summary>Retries on other channels, suspension of failing channels and automatic disabling, with billing asserted.</summary>
public sealed class FailoverTests(FailoverTests.Pool pool) : IClassFixture<FailoverTests.Pool>
{
    public sealed class Pool : GatewayPool
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["RELAY_TIMEOUT"] = "1",
            ["IDLE_TIMEOUT"] = "1",
            ["CHANNEL_SUSPEND_SECONDS_FOR_5XX"] = "600",
            ["SMTP_ALLOW_INSECURE"] = "true", // root's notice goes to the plaintext FakeSmtpServer
        };
    }

    private static Task<HttpResponseMessage> ChatAsync(TestGateway gateway, TestAccount account, bool stream = false) =>
        gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest(stream));

    private async Task<(TestAccount Account, int Failing, int Healthy)> TwoChannelsAsync(TestGateway gateway, string failingScenario)
    {
        var account = await gateway.CreateAccountAsync(userQuota: 1_000_000, tokenQuota: 2_000);
        var failing = await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group + "-bad", failingScenario), extra: new { priority = 10 });
        var healthy = await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"), extra: new { priority = 0 });
        return (account, failing, healthy);
    }

    [Theory]
    [InlineData("error500")]
    [InlineData("error429")]
    [InlineData("hang")]
    public async Task FailingTopChannel_IsRetriedOnTheLowerOne_AndBilledOnce(string scenario)
    {
        var gateway = await pool.GetAsync("sqlite");
        await gateway.SetOptionAsync("RetryTimes", "2");
        var (account, _, healthy) = await TwoChannelsAsync(gateway, scenario);

        using var response = await ChatAsync(gateway, account);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(pool.Upstream.Requests(account.Group + "-bad"));
        Assert.Single(pool.Upstream.Requests(account.Group));
        await using var db = await gateway.DbAsync();
        var log = await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
        Assert.Equal((healthy, 3), (log.ChannelId, log.Quota));
        Assert.Equal(2_000 - 3, (await db.Tokens.SingleAsync(t => t.Id == account.TokenId)).RemainQuota);
    }

    [Fact]
    public async Task Image_OnAFailingTopChannel_IsRetriedOnTheLowerOne_AndBilledOnce()
    {
        var gateway = await pool.GetAsync("sqlite");
        await gateway.SetOptionAsync("RetryTimes", "2");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "dall-e-3", pool.Upstream.BaseUrl(account.Group + "-bad", "error500"), extra: new { priority = 10 });
        var healthy = await gateway.CreateChannelAsync(account.Group, "dall-e-3", pool.Upstream.BaseUrl(account.Group, "ok"), extra: new { priority = 0 });

        using var response = await gateway.RelayAsync("Bearer " + account.Key, """{"model":"dall-e-3","prompt":"a cat"}""", "/v1/images/generations");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(pool.Upstream.Requests(account.Group + "-bad"));
        Assert.Single(pool.Upstream.Requests(account.Group));
        // dall-e-3: ratio 20, 1024x1024 → int(20 × 1000) for the one picture, once
        await using var db = await gateway.DbAsync();
        var log = await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
        Assert.Equal((healthy, 20_000), (log.ChannelId, log.Quota));
    }

    [Fact]
    public async Task WithoutRetries_TheUpstreamErrorReachesTheClient_AndTheChannelIsSuspended()
    {
        var gateway = await pool.GetAsync("sqlite");
        await gateway.SetOptionAsync("RetryTimes", "0");
        var (account, _, _) = await TwoChannelsAsync(gateway, "error500");

        using var first = await ChatAsync(gateway, account);
        using var second = await ChatAsync(gateway, account);

        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        // The 5xx suspended the top channel: the next request goes to the lower one without touching it again.
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(pool.Upstream.Requests(account.Group + "-bad"));
    }

    [Fact]
    public async Task BadRequest_IsNotRetried()
    {
        var gateway = await pool.GetAsync("sqlite");
        await gateway.SetOptionAsync("RetryTimes", "3");
        var (account, _, _) = await TwoChannelsAsync(gateway, "missing-scenario-404");

        using var response = await ChatAsync(gateway, account);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(pool.Upstream.Requests(account.Group));
    }

    [Fact]
    public async Task InvalidApiKey_DisablesTheChannelAndMailsRoot_WhenAutomaticDisableIsOn()
    {
        var gateway = await pool.GetAsync("sqlite");
        await using var smtp = new FakeSmtpServer();
        await gateway.SetOptionAsync("RetryTimes", "0");
        await gateway.SetOptionAsync("AutomaticDisableChannelEnabled", "true");
        await gateway.SetOptionAsync("SMTPServer", "127.0.0.1");
        await gateway.SetOptionAsync("SMTPPort", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await gateway.SetOptionAsync("SMTPFrom", "gateway@example.com");
        await using (var db = await gateway.DbAsync())
        {
            await db.Users.Where(u => u.Role == UserRole.Root).ExecuteUpdateAsync(s => s.SetProperty(u => u.Email, "root@example.com"));
        }
        try
        {
            var account = await gateway.CreateAccountAsync();
            var channel = await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "error401"));

            using var response = await ChatAsync(gateway, account);
            using var after = await ChatAsync(gateway, account);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
            await using var db = await gateway.DbAsync();
            Assert.Equal(ChannelStatus.AutoDisabled, (await db.Channels.SingleAsync(c => c.Id == channel)).Status);
            Assert.True(await db.Logs.AnyAsync(l => l.Type == LogType.System && l.ChannelId == channel));
            var mail = await smtp.MailToAsync("root@example.com");
            Assert.Contains($"#{channel}", mail.Subject, StringComparison.Ordinal);
        }
        finally
        {
            await gateway.SetOptionAsync("AutomaticDisableChannelEnabled", "false");
            await gateway.SetOptionAsync("SMTPServer", "");
        }
    }

    [Fact]
    public async Task ServerError_DoesNotDisableTheChannel()
    {
        var gateway = await pool.GetAsync("sqlite");
        await gateway.SetOptionAsync("RetryTimes", "0");
        await gateway.SetOptionAsync("AutomaticDisableChannelEnabled", "true");
        try
        {
            var account = await gateway.CreateAccountAsync();
            var channel = await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "error500"));

            using var response = await ChatAsync(gateway, account);

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            await using var db = await gateway.DbAsync();
            Assert.Equal(ChannelStatus.Enabled, (await db.Channels.SingleAsync(c => c.Id == channel)).Status);
        }
        finally
        {
            await gateway.SetOptionAsync("AutomaticDisableChannelEnabled", "false");
        }
    }

    [Fact]
    public async Task StreamThatGoesQuiet_IsEndedCleanlyAfterIdleTimeout_AndBilledForWhatArrived()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "stall-stream"));

        using var response = await ChatAsync(gateway, account, stream: true);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        await using var db = await gateway.DbAsync();
        var log = await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
        Assert.Equal(3, log.CompletionTokens); // "", "Hello!", " How"
    }
}
