using System.Net;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>A user's own account: registration, login by name or email, edits, deletion, access tokens, invite code, dashboards.</summary>
public sealed class SelfServiceTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    private static HttpClient Browser(TestGateway gateway) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(gateway.BaseUrl) };

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Register_ThenLoginByUsernameOrEmail(string database)
    {
        var gateway = await pool.GetAsync(database);
        var username = "r" + Guid.NewGuid().ToString("N")[..9];
        (await gateway.Http.PostJsonAsync("/api/user/register", new { username, password = "password123", display_name = "Reg" })).Data();
        await using (var db = await gateway.DbAsync())
        {
            var id = await db.Users.Where(u => u.Username == username).Select(u => u.Id).SingleAsync();
            (await gateway.Admin.PutJsonAsync("/api/user/", new { id, email = $"{username}@example.com" })).Data();
        }

        using var browser = Browser(gateway);
        var byName = (await browser.PostJsonAsync("/api/user/login", new { username, password = "password123" })).Data();
        Assert.Equal((username, "Reg", UserRole.Common), (byName.GetProperty("username").GetString(), byName.GetProperty("display_name").GetString(), byName.GetProperty("role").GetInt32()));
        (await browser.PostJsonAsync("/api/user/login", new { username = $"{username}@example.com", password = "password123" })).Data();
        Assert.Equal(username, (await browser.GetJsonAsync("/api/user/self")).Data().GetProperty("username").GetString());
    }

    [Theory]
    [InlineData("", "password123", "invalid parameters")]
    [InlineData("waytoolongname", "password123", "username must be at most 12 characters")]
    [InlineData("shortpass", "1234", "password must be 8 to 20 characters")]
    public async Task Register_InvalidFields_AreRefused(string username, string password, string message)
    {
        var gateway = await pool.GetAsync("sqlite");
        Assert.Equal(message, (await gateway.Http.PostJsonAsync("/api/user/register", new { username, password })).Failure());
    }

    [Fact]
    public async Task Register_TakenUsername_IsRefused()
    {
        var gateway = await pool.GetAsync("sqlite");
        Assert.Equal("the username is already taken",
            (await gateway.Http.PostJsonAsync("/api/user/register", new { username = "root", password = "password123" })).Failure());
    }

    [Fact]
    public async Task UpdateSelf_ChangesNameAndPassword_EmptyPasswordKeepsIt()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var user = await gateway.MemberAsync();
        using var other = await gateway.MemberAsync();
        var newName = "n" + Guid.NewGuid().ToString("N")[..9];

        (await user.Client.PutJsonAsync("/api/user/self", new { username = newName, display_name = "New Me", password = "" })).Data();
        Assert.Equal("the username is already taken", (await user.Client.PutJsonAsync("/api/user/self", new { username = other.Username })).Failure());
        Assert.Equal("password must be 8 to 20 characters", (await user.Client.PutJsonAsync("/api/user/self", new { password = "short" })).Failure());
        using var browser = Browser(gateway);
        (await browser.PostJsonAsync("/api/user/login", new { username = newName, password = ApiClient.Password })).Data();
        (await user.Client.PutJsonAsync("/api/user/self", new { password = "brand-new-pass", original_password = ApiClient.Password })).Data();
        (await browser.PostJsonAsync("/api/user/login", new { username = newName, password = "brand-new-pass" })).Data();
        Assert.Equal("New Me", (await user.Client.GetJsonAsync("/api/user/self")).Data().GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task DeleteSelf_SoftDeletes_ButRootCannot()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var user = await gateway.MemberAsync();

        (await user.Client.DeleteJsonAsync("/api/user/self")).Data();

        Assert.Equal("user has been banned", (await user.Client.GetJsonAsync("/api/user/self")).Failure());
        Assert.Equal("the root user cannot be deleted", (await gateway.Admin.DeleteJsonAsync("/api/user/self")).Failure());
    }

    [Fact]
    public async Task AccessTokenRotation_RetiresTheOldToken()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var user = await gateway.MemberAsync();

        var fresh = (await user.Client.GetJsonAsync("/api/user/token")).Data().GetString()!;

        Assert.Matches("^[0-9a-f]{32}$", fresh);
        Assert.Equal("invalid access token", (await user.Client.GetJsonAsync("/api/user/self")).Failure());
        using var renewed = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        renewed.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", fresh);
        (await renewed.GetJsonAsync("/api/user/self")).Data();
    }

    [Fact]
    public async Task AnotherUsersToken_IsInvisibleAndUntouchable()
    {
        var gateway = await pool.GetAsync("sqlite");
        var owner = await gateway.CreateAccountAsync();
        using var intruder = await gateway.MemberAsync();

        Assert.Equal("token not found", (await intruder.Client.GetJsonAsync($"/api/token/{owner.TokenId}")).Failure());
        Assert.Equal("token not found", (await intruder.Client.PutJsonAsync("/api/token/", new { id = owner.TokenId, name = "mine now" })).Failure());
        Assert.Equal("token not found", (await intruder.Client.DeleteJsonAsync($"/api/token/{owner.TokenId}")).Failure());
        Assert.Empty((await intruder.Client.GetJsonAsync("/api/token/")).Data().EnumerateArray());
        Assert.Empty((await intruder.Client.GetJsonAsync($"/api/token/search?keyword=t-{owner.Group}")).Data().EnumerateArray());
        Assert.Empty((await intruder.Client.GetJsonAsync("/api/log/self")).Data().EnumerateArray());
    }

    [Fact]
    public async Task AffCode_IsMadeOnce()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var user = await gateway.MemberAsync();
        await using (var db = await gateway.DbAsync())
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.AffCode, (string?)null));
        }
        var code = (await user.Client.GetJsonAsync("/api/user/aff")).Data().GetString();
        Assert.Equal(4, code!.Length);
        Assert.Equal(code, (await user.Client.GetJsonAsync("/api/user/aff")).Data().GetString());
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Dashboard_PutsEachRowOnTheUtcDayItWasWritten_EveningsIncluded(string database)
    {
        var gateway = await pool.GetAsync(database);
        using var member = await gateway.MemberAsync();
        var today = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 86_400 * 86_400;
        await using (var db = await gateway.DbAsync())
        {
            db.Logs.AddRange(
                new Log { UserId = member.Id, CreatedAt = today - 86_400 + 1, Type = LogType.Consume, ModelName = "m", Quota = 1 },
                new Log { UserId = member.Id, CreatedAt = today - 60, Type = LogType.Consume, ModelName = "m", Quota = 2 },
                new Log { UserId = member.Id, CreatedAt = today + 86_399, Type = LogType.Consume, ModelName = "m", Quota = 4 });
            await db.SaveChangesAsync();
        }

        var rows = (await member.Client.GetJsonAsync("/api/user/dashboard")).Data().EnumerateArray()
            .Select(r => (r.GetProperty("Day").GetString(), r.GetProperty("Quota").GetInt64()))
            .ToList();

        string Day(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([(Day(today - 86_400), 3L), (Day(today), 4L)], rows);
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task DashboardAndAvailableModels_ReflectTheUsersGroupAndSpend(string database)
    {
        var gateway = await pool.GetAsync(database);
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini,gpt-4o", pool.Upstream.BaseUrl(account.Group, "ok"));
        await gateway.ChatAsync(account.Key);
        await gateway.ChatAsync(account.Key);
        using var client = await gateway.ClientForAsync(account.UserId);

        var row = Assert.Single((await client.GetJsonAsync("/api/user/dashboard")).Data().EnumerateArray());
        Assert.Equal((DateTime.UtcNow.ToString("yyyy-MM-dd"), "gpt-4o-mini", 2, 6L, 22L, 14L),
            (row.GetProperty("Day").GetString(), row.GetProperty("ModelName").GetString(), row.GetProperty("RequestCount").GetInt32(),
             row.GetProperty("Quota").GetInt64(), row.GetProperty("PromptTokens").GetInt64(), row.GetProperty("CompletionTokens").GetInt64()));
        Assert.Equal(["gpt-4o", "gpt-4o-mini"], (await client.GetJsonAsync("/api/user/available_models")).Data().EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task Catalogs_ListModelsPerChannelTypeAndForAdmins()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var user = await gateway.MemberAsync();

        var byType = (await user.Client.GetJsonAsync("/api/models")).Data();
        Assert.Contains("gpt-4o-mini", byType.GetProperty("1").EnumerateArray().Select(m => m.GetString()));
        var all = System.Text.Json.JsonDocument.Parse(await gateway.Admin.GetStringAsync("/api/channel/models")).RootElement;
        Assert.Equal("list", all.GetProperty("object").GetString());
        Assert.Contains(all.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == "gpt-4o-mini" && m.GetProperty("object").GetString() == "model");
        Assert.Contains("default", (await gateway.Admin.GetJsonAsync("/api/group/")).Data().EnumerateArray().Select(g => g.GetString()));
        foreach (var path in (string[])["/api/notice", "/api/about", "/api/home_page_content"])
        {
            Assert.Equal(System.Text.Json.JsonValueKind.String, (await gateway.Http.GetJsonAsync(path)).Data().ValueKind);
        }
    }
}
