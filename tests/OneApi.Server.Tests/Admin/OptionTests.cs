using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>Root's options: listing without secrets, validation, and changes the relay and registration see at once.</summary>
public sealed class OptionTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    private static Task<System.Text.Json.JsonElement> SetAsync(TestGateway gateway, string key, string value) =>
        gateway.Admin.PutJsonAsync("/api/option/", new { key, value });

    [Fact]
    public async Task List_HasEveryKey_ButNoSecret()
    {
        var gateway = await pool.GetAsync("sqlite");
        (await SetAsync(gateway, "SMTPToken", "hunter2-secret")).Data();
        (await SetAsync(gateway, "Notice", "maintenance tonight")).Data();

        var options = (await gateway.Admin.GetJsonAsync("/api/option/")).Data().EnumerateArray()
            .ToDictionary(o => o.GetProperty("key").GetString()!, o => o.GetProperty("value").GetString());

        Assert.Equal("maintenance tonight", options["Notice"]);
        Assert.Contains("ModelRatio", options.Keys);
        Assert.Contains("QuotaPerUnit", options.Keys);
        string[] secrets = ["SMTPToken", "GitHubClientSecret", "OidcClientSecret", "LarkClientSecret", "WeChatServerToken", "MessagePusherToken", "TurnstileSecretKey"];
        Assert.All(secrets, s => Assert.DoesNotContain(s, options.Keys));
        Assert.DoesNotContain(options.Values, v => v == "hunter2-secret");
        Assert.Equal("maintenance tonight", (await gateway.Http.GetJsonAsync("/api/notice")).Data().GetString());
    }

    [Theory]
    [InlineData("NoSuchOption", "1", "unknown option NoSuchOption")]
    [InlineData("RegisterEnabled", "yes", "RegisterEnabled must be true or false")]
    [InlineData("QuotaForNewUser", "-5", "QuotaForNewUser must be a whole number ≥ 0")]
    [InlineData("QuotaPerUnit", "abc", "QuotaPerUnit must be a positive number")]
    [InlineData("ModelRatio", "{not json", "ModelRatio must be a JSON object of non-negative numbers")]
    [InlineData("CompletionRatio", "[1,2]", "CompletionRatio must be a JSON object of non-negative numbers")]
    [InlineData("GroupRatio", """{"default":-1}""", "GroupRatio must be a JSON object of non-negative numbers")]
    [InlineData("Theme", "neon", "Theme must be one of default, berry, air")]
    [InlineData("GitHubOAuthEnabled", "true", "set GitHubClientId and GitHubClientSecret before enabling GitHub OAuth")]
    [InlineData("TurnstileCheckEnabled", "true", "set TurnstileSiteKey before enabling the Turnstile check")]
    public async Task Update_InvalidValue_IsRefusedAndNotStored(string key, string value, string message)
    {
        var gateway = await pool.GetAsync("sqlite");
        Assert.Equal(message, (await SetAsync(gateway, key, value)).Failure());
        await using var db = await gateway.DbAsync();
        Assert.False(await db.Options.AnyAsync(o => o.Key == key && o.Value == value));
    }

    [Fact]
    public async Task Update_MalformedBody_Is400()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var response = await gateway.Admin.PutAsync("/api/option/", new StringContent("{oops", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await gateway.Admin.SendAsync(HttpMethod.Put, "/api/option/", new { key = "Notice" }, HttpStatusCode.BadRequest);
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task GroupAndModelRatioChanges_ApplyToTheVeryNextRelayCall(string database)
    {
        var gateway = await pool.GetAsync(database);
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));

        (await SetAsync(gateway, "GroupRatio", $$"""{"default":1,"vip":1,"svip":1,"{{account.Group}}":2}""")).Data();
        await gateway.ChatAsync(account.Key);
        (await SetAsync(gateway, "ModelRatio", """{"gpt-4o-mini":1}""")).Data();
        await gateway.ChatAsync(account.Key);

        await using var db = await gateway.DbAsync();
        var charges = await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).OrderBy(l => l.Id).Select(l => l.Quota).ToListAsync();
        // ceil((11 + 7 × 4) × 0.075 × 2) = 6, then ceil((11 + 7 × 4) × 1 × 2) = 78
        Assert.Equal([6, 78], charges);
        Assert.Contains(account.Group, (await gateway.Admin.GetJsonAsync("/api/group/")).Data().EnumerateArray().Select(g => g.GetString()));
        (await SetAsync(gateway, "ModelRatio", OneApi.Server.Options.RuntimeOptions.Defaults["ModelRatio"])).Data();
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Register_WithInviteCode_PaysNewUserInviterAndInviteeGifts_WithSystemLogs(string database)
    {
        var gateway = await pool.GetAsync(database);
        using var inviter = await gateway.MemberAsync();
        var affCode = (await inviter.Client.GetJsonAsync("/api/user/aff")).Data().GetString();
        (await SetAsync(gateway, "QuotaForNewUser", "1000")).Data();
        (await SetAsync(gateway, "QuotaForInviter", "300")).Data();
        (await SetAsync(gateway, "QuotaForInvitee", "200")).Data();
        try
        {
            var username = "i" + Guid.NewGuid().ToString("N")[..9];
            (await gateway.Http.PostJsonAsync("/api/user/register", new { username, password = "password123", aff_code = affCode })).Data();

            await using var db = await gateway.DbAsync();
            var invitee = await db.Users.SingleAsync(u => u.Username == username);
            Assert.Equal((1200L, inviter.Id), (invitee.Quota, invitee.InviterId));
            Assert.Equal(300, (await db.Users.SingleAsync(u => u.Id == inviter.Id)).Quota);
            var logs = await db.Logs.Where(l => (l.UserId == invitee.Id || l.UserId == inviter.Id) && l.Type == LogType.System)
                .OrderBy(l => l.Id).Select(l => l.Content).ToListAsync();
            Assert.Equal(["new user gift: $0.002000 quota", "invitation code gift: $0.000400 quota", "gift for inviting a user: $0.000600 quota"], logs);
        }
        finally
        {
            (await SetAsync(gateway, "QuotaForNewUser", "0")).Data();
            (await SetAsync(gateway, "QuotaForInviter", "0")).Data();
            (await SetAsync(gateway, "QuotaForInvitee", "0")).Data();
        }
    }

    [Fact]
    public async Task Register_Closed_IsRefused()
    {
        var gateway = await pool.GetAsync("sqlite");
        (await SetAsync(gateway, "RegisterEnabled", "false")).Data();
        try
        {
            Assert.Equal("the administrator has turned off registration",
                (await gateway.Http.PostJsonAsync("/api/user/register", new { username = "closed1", password = "password123" })).Failure());
            (await SetAsync(gateway, "RegisterEnabled", "true")).Data();
            (await SetAsync(gateway, "PasswordRegisterEnabled", "false")).Data();
            Assert.Equal("the administrator has turned off registration with a password; sign up with a third-party account",
                (await gateway.Http.PostJsonAsync("/api/user/register", new { username = "closed2", password = "password123" })).Failure());
        }
        finally
        {
            (await SetAsync(gateway, "RegisterEnabled", "true")).Data();
            (await SetAsync(gateway, "PasswordRegisterEnabled", "true")).Data();
        }
    }

    [Fact]
    public async Task BillingDashboard_FollowsTheDisplayOptions()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync(userQuota: 2_500_000, tokenQuota: 1_000_000);
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", account.Key);

        var perToken = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/dashboard/billing/subscription")).RootElement;
        Assert.Equal(2.0, perToken.GetProperty("hard_limit_usd").GetDouble());
        (await SetAsync(gateway, "DisplayTokenStatEnabled", "false")).Data();
        (await SetAsync(gateway, "DisplayInCurrencyEnabled", "false")).Data();
        try
        {
            var perUser = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/v1/dashboard/billing/subscription")).RootElement;
            Assert.Equal(2_500_000, perUser.GetProperty("hard_limit_usd").GetDouble());
        }
        finally
        {
            (await SetAsync(gateway, "DisplayTokenStatEnabled", "true")).Data();
            (await SetAsync(gateway, "DisplayInCurrencyEnabled", "true")).Data();
        }
    }
}
