using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Core;

/// <summary>The management routes the relay needs: status, login, access tokens, channels and tokens.</summary>
public sealed class CoreApiTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    private static async Task<JsonElement> EnvelopeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Status_HasEveryFieldTheConsoleReads()
    {
        var gateway = await pool.GetAsync("sqlite");

        var data = (await EnvelopeAsync(await gateway.Http.GetAsync("/api/status"))).GetProperty("data");

        string[] fields = ["version", "start_time", "email_verification", "github_oauth", "github_client_id", "lark_client_id",
            "system_name", "logo", "footer_html", "wechat_qrcode", "wechat_login", "server_address", "turnstile_check",
            "turnstile_site_key", "top_up_link", "chat_link", "quota_per_unit", "display_in_currency", "oidc", "oidc_client_id",
            "oidc_well_known", "oidc_authorization_endpoint", "oidc_token_endpoint", "oidc_userinfo_endpoint"];
        Assert.All(fields, f => Assert.True(data.TryGetProperty(f, out _), f));
        Assert.Equal(500000, data.GetProperty("quota_per_unit").GetDouble());
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task RootLogin_SessionCookieThenAccessToken_ReachTheApi(string database)
    {
        var gateway = await pool.GetAsync(database);
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(gateway.BaseUrl) };

        var wrong = await EnvelopeAsync(await browser.PostAsJsonAsync("/api/user/login", new { username = "root", password = "nope" }));
        Assert.False(wrong.GetProperty("success").GetBoolean());
        var loginResponse = await browser.PostAsJsonAsync("/api/user/login", new { username = "root", password = "123456" });
        Assert.Contains(loginResponse.Headers.GetValues("Set-Cookie"), c => c.StartsWith("session=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        var login = await EnvelopeAsync(loginResponse);
        Assert.Equal(100, login.GetProperty("data").GetProperty("role").GetInt32());

        var self = (await EnvelopeAsync(await browser.GetAsync("/api/user/self"))).GetProperty("data");
        Assert.Equal("root", self.GetProperty("username").GetString());
        Assert.False(self.TryGetProperty("password", out _));
        Assert.False(self.TryGetProperty("access_token", out _));

        var accessToken = (await EnvelopeAsync(await browser.GetAsync("/api/user/token"))).GetProperty("data").GetString()!;
        Assert.Equal(32, accessToken.Length);
        using var script = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        script.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", accessToken);
        Assert.True((await EnvelopeAsync(await script.GetAsync("/api/user/self"))).GetProperty("success").GetBoolean());

        await browser.GetAsync("/api/user/logout");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/user/self")).StatusCode);
        // Rotating the access token issues a new one; TestGateway's own root token is restored for the other tests.
        await using var db = await gateway.DbAsync();
        await db.Users.Where(u => u.Username == "root").ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessToken, TestGateway.RootAccessToken));
    }

    [Fact]
    public async Task InvalidAccessToken_IsAnEnvelopeFailure_AndCommonUsersCannotManageChannels()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "not-a-token");
        Assert.False((await EnvelopeAsync(await client.GetAsync("/api/channel/"))).GetProperty("success").GetBoolean());

        var account = await gateway.CreateAccountAsync();
        await using var db = await gateway.DbAsync();
        var userToken = await db.Users.Where(u => u.Id == account.UserId).Select(u => u.AccessToken).SingleAsync();
        using var common = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        common.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", userToken);
        var denied = await EnvelopeAsync(await common.GetAsync("/api/channel/"));
        Assert.False(denied.GetProperty("success").GetBoolean());
        Assert.Equal("insufficient permissions", denied.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ChannelCreate_OneChannelPerKeyLine_KeysNeverListed_AbilitiesFollowUpdates()
    {
        var gateway = await pool.GetAsync("sqlite");
        var group = "g" + Guid.NewGuid().ToString("N")[..10];
        var created = await EnvelopeAsync(await gateway.Admin.PostAsJsonAsync("/api/channel/", new
        {
            type = 1, name = "multi", key = "sk-one\nsk-two\n\nsk-three", models = "gpt-4o-mini, gpt-4o", group, base_url = "http://127.0.0.1:9",
        }));
        Assert.True(created.GetProperty("success").GetBoolean(), created.ToString());

        await using var db = await gateway.DbAsync();
        var channels = await db.Channels.Where(c => c.Group == group).OrderBy(c => c.Id).ToListAsync();
        Assert.Equal(["sk-one", "sk-two", "sk-three"], channels.Select(c => c.Key).ToArray());
        Assert.Equal(6, await db.Abilities.CountAsync(a => a.Group == group));

        var listed = (await EnvelopeAsync(await gateway.Admin.GetAsync("/api/channel/?p=0"))).GetProperty("data");
        Assert.All(listed.EnumerateArray(), c => Assert.False(c.TryGetProperty("key", out _)));

        var updated = await EnvelopeAsync(await gateway.Admin.PutAsJsonAsync("/api/channel/", new { id = channels[0].Id, models = "gpt-4o", status = 2, priority = 5 }));
        Assert.True(updated.GetProperty("success").GetBoolean(), updated.ToString());
        var abilities = await db.Abilities.Where(a => a.ChannelId == channels[0].Id).ToListAsync();
        Assert.Equal(("gpt-4o", false, 5L), (abilities.Single().Model, abilities.Single().Enabled, abilities.Single().Priority ?? 0));

        Assert.True((await EnvelopeAsync(await gateway.Admin.DeleteAsync($"/api/channel/{channels[1].Id}"))).GetProperty("success").GetBoolean());
        Assert.False(await db.Abilities.AnyAsync(a => a.ChannelId == channels[1].Id));
    }

    [Fact]
    public async Task Tokens_AreCreatedWithKeys_AndAnExhaustedTokenCannotBeReEnabled()
    {
        var gateway = await pool.GetAsync("sqlite");
        var created = (await EnvelopeAsync(await gateway.Admin.PostAsJsonAsync("/api/token/", new { name = "script", remain_quota = 0, expired_time = -1 }))).GetProperty("data");
        var key = created.GetProperty("key").GetString()!;
        Assert.Equal(48, key.Length);
        var id = created.GetProperty("id").GetInt32();

        var tooLong = await EnvelopeAsync(await gateway.Admin.PostAsJsonAsync("/api/token/", new { name = new string('n', 31) }));
        Assert.False(tooLong.GetProperty("success").GetBoolean());

        Assert.True((await EnvelopeAsync(await gateway.Admin.PutAsJsonAsync("/api/token/?status_only=1", new { id, status = 2 }))).GetProperty("success").GetBoolean());
        var refused = await EnvelopeAsync(await gateway.Admin.PutAsJsonAsync("/api/token/?status_only=1", new { id, status = 1 }));
        Assert.False(refused.GetProperty("success").GetBoolean());

        var edited = await EnvelopeAsync(await gateway.Admin.PutAsJsonAsync("/api/token/", new { id, name = "script", remain_quota = 100, expired_time = -1, status = 1 }));
        Assert.True(edited.GetProperty("success").GetBoolean(), edited.ToString());
        Assert.Equal(1, edited.GetProperty("data").GetProperty("status").GetInt32());

        var other = await gateway.CreateAccountAsync();
        await using var db = await gateway.DbAsync();
        var othersToken = await db.Users.Where(u => u.Id == other.UserId).Select(u => u.AccessToken).SingleAsync();
        using var stranger = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        stranger.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", othersToken);
        Assert.False((await EnvelopeAsync(await stranger.GetAsync($"/api/token/{id}"))).GetProperty("success").GetBoolean());
        Assert.False((await EnvelopeAsync(await stranger.DeleteAsync($"/api/token/{id}"))).GetProperty("success").GetBoolean());
        Assert.True(await db.Tokens.AnyAsync(t => t.Id == id));
    }
}
