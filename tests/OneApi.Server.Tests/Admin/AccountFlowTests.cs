using System.Net;
using System.Text.Json;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>
/// A new user's whole path through the console and the relay: register with a mailed code, sign in, make a key,
/// relay a call, find it in the logs and the cost lookup, report outside spend, redeem a code; every balance to the unit.
/// </summary>
public sealed class AccountFlowTests(PlaintextSmtpPool pool) : IClassFixture<PlaintextSmtpPool>, IAsyncLifetime
{
    private const long Gift = 1_000_000;
    private const long TokenQuota = 500_000;
    private const long ChatQuota = 3; // gpt-4o-mini: ceil((11 + 7 × 4) × 0.075)
    private const long ExternalSpend = 1_000;
    private const long CodeQuota = 250_000;

    private readonly FakeSmtpServer _smtp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _smtp.DisposeAsync();

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task RegisterVerifyLoginRelayAuditReportRedeem_BalancesAddUp(string database)
    {
        var gateway = await pool.GetAsync(database);
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["SMTPServer"] = "127.0.0.1", ["SMTPPort"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     ["EmailVerificationEnabled"] = "true", ["QuotaForNewUser"] = Gift.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            (await gateway.Admin.PutJsonAsync("/api/option/", new { key, value })).Data();
        }
        var group = "flow" + Guid.NewGuid().ToString("N")[..8];
        await gateway.CreateChannelAsync(group, "gpt-4o-mini", pool.Upstream.BaseUrl(group, "ok"));
        var email = $"{group}@example.com";
        var username = group[..12];

        // register with the mailed code, then sign in by email with a browser session
        (await gateway.Http.GetJsonAsync($"/api/verification?email={email}")).Data();
        var code = EmailTests.CodeIn(await _smtp.MailToAsync(email));
        (await gateway.Http.PostJsonAsync("/api/user/register", new { username, password = "flow-password", email, verification_code = code })).Data();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(gateway.BaseUrl) };
        var me = (await browser.PostJsonAsync("/api/user/login", new { username = email, password = "flow-password" })).Data();
        var userId = me.GetProperty("id").GetInt32();
        (await gateway.Admin.PutJsonAsync("/api/user/", new { id = userId, group })).Data(); // the test channel serves this group only

        // a key, and one relayed call with it
        var token = (await browser.PostJsonAsync("/api/token/", new { name = "flow", remain_quota = TokenQuota, expired_time = -1 })).Data();
        var relayKey = "sk-" + token.GetProperty("key").GetString();
        var requestId = await gateway.ChatAsync(relayKey);

        // the call is in the user's logs, its stat and the cost lookup
        var consume = Assert.Single((await browser.GetJsonAsync("/api/log/self?type=2")).Data().EnumerateArray());
        Assert.Equal((requestId, ChatQuota), (consume.GetProperty("request_id").GetString(), consume.GetProperty("quota").GetInt64()));
        Assert.Equal(ChatQuota, (await browser.GetJsonAsync("/api/log/self/stat")).Data().GetProperty("quota").GetInt64());
        var cost = JsonDocument.Parse(await gateway.Http.GetStringAsync($"/api/cost/request/{requestId}")).RootElement;
        Assert.Equal((ChatQuota, ChatQuota / 500_000.0), (cost.GetProperty("quota").GetInt64(), cost.GetProperty("cost_usd").GetDouble()));

        // spend made elsewhere, reported with the key; then a redemption code
        using var keyClient = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        keyClient.DefaultRequestHeaders.Authorization = new("Bearer", relayKey);
        (await keyClient.PostJsonAsync("/api/token/consume", new { add_used_quota = ExternalSpend, add_reason = "web-search" })).Data();
        var redemption = (await gateway.Admin.PostJsonAsync("/api/redemption/", new { name = "flow", count = 1, quota = CodeQuota })).Data()[0].GetString();
        Assert.Equal(CodeQuota, (await browser.PostJsonAsync("/api/user/topup", new { key = redemption })).Data().GetInt64());

        // every figure, to the unit
        var self = (await browser.GetJsonAsync("/api/user/self")).Data();
        Assert.Equal((Gift - ChatQuota + CodeQuota, ChatQuota, 1),
            (self.GetProperty("quota").GetInt64(), self.GetProperty("used_quota").GetInt64(), self.GetProperty("request_count").GetInt32()));
        var stored = (await browser.GetJsonAsync($"/api/token/{token.GetProperty("id").GetInt32()}")).Data();
        Assert.Equal((TokenQuota - ChatQuota - ExternalSpend, ChatQuota + ExternalSpend),
            (stored.GetProperty("remain_quota").GetInt64(), stored.GetProperty("used_quota").GetInt64()));
        Assert.Equal(ChatQuota + ExternalSpend, (await browser.GetJsonAsync("/api/log/self/stat")).Data().GetProperty("quota").GetInt64());
        var usage = JsonDocument.Parse(await keyClient.GetStringAsync("/v1/dashboard/billing/usage")).RootElement;
        Assert.Equal((ChatQuota + ExternalSpend) / 500_000.0 * 100, usage.GetProperty("total_usage").GetDouble(), 9);
        var types = (await browser.GetJsonAsync("/api/log/self")).Data().EnumerateArray().Select(l => l.GetProperty("type").GetInt32()).Order().ToList();
        Assert.Equal([1, 2, 2, 4], types); // top-up, two consumes, the new-user gift
    }
}
