using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Admin;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Security;

/// <summary>
/// An admin cannot get at a channel's key: not by pointing the channel at a server of their own, not by swapping
/// the key, and not by reading a channel test's error in which the upstream quoted the key.
/// </summary>
public sealed class ChannelSecretTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    private const string RootOnly = "only root can set or change a channel's key, base_url or config";

    [Fact]
    public async Task Admin_PointingAChannelAtTheirOwnServer_IsRefused()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var admin = await gateway.MemberAsync(UserRole.Admin);
        var group = "s" + Guid.NewGuid().ToString("N")[..10];
        var baseUrl = pool.Upstream.BaseUrl(group, "ok");
        var id = await gateway.CreateChannelAsync(group, "gpt-4o-mini", baseUrl);
        await using var trap = await FakeOpenAIUpstream.StartAsync();

        Assert.Equal(RootOnly, (await admin.Client.PutJsonAsync("/api/channel/", new { id, base_url = trap.BaseUrl(group, "ok") })).Failure());
        Assert.Equal(RootOnly, (await admin.Client.PutJsonAsync("/api/channel/", new { id, key = "sk-admins-own-key" })).Failure());
        Assert.Equal(RootOnly, (await admin.Client.PostJsonAsync("/api/channel/", new { type = 1, name = "mine", key = "sk-admins-own-key", base_url = trap.BaseUrl(group, "ok"), models = "gpt-4o-mini", group })).Failure());

        (await admin.Client.GetJsonAsync($"/api/channel/test/{id}")).GetProperty("success");
        Assert.Empty(trap.Requests(group));
        await using var db = await gateway.DbAsync();
        var stored = await db.Channels.SingleAsync(c => c.Id == id);
        Assert.Equal((baseUrl, "sk-upstream-" + group), (stored.BaseUrl, stored.Key));
        Assert.Equal(1, await db.Channels.CountAsync(c => c.Group == group));
    }

    [Fact]
    public async Task Admin_EditingOtherFields_AndSendingTheSameBaseUrlBack_IsAllowed()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var admin = await gateway.MemberAsync(UserRole.Admin);
        var group = "s" + Guid.NewGuid().ToString("N")[..10];
        var baseUrl = pool.Upstream.BaseUrl(group, "ok");
        var id = await gateway.CreateChannelAsync(group, "gpt-4o-mini", baseUrl);

        (await admin.Client.PutJsonAsync("/api/channel/", new { id, name = "renamed", base_url = baseUrl, key = "", priority = 5 })).Data();

        await using var db = await gateway.DbAsync();
        var stored = await db.Channels.SingleAsync(c => c.Id == id);
        Assert.Equal(("renamed", (long?)5, baseUrl), (stored.Name, stored.Priority, stored.BaseUrl));
    }

    [Fact]
    public async Task ConfigCredentials_AreNeverShown_AndOnlyRootChangesTheConfig()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var admin = await gateway.MemberAsync(UserRole.Admin);
        var group = "s" + Guid.NewGuid().ToString("N")[..10];
        const string config = """{"region":"us-east5","vertex_ai_project_id":"p1","vertex_ai_adc":"{\"private_key\":\"pk-secret\"}","sk":"aws-secret"}""";
        var id = await gateway.CreateChannelAsync(group, "gpt-4o-mini", pool.Upstream.BaseUrl(group, "ok"), extra: new { config });

        var shown = (await admin.Client.GetJsonAsync($"/api/channel/{id}")).Data();
        Assert.DoesNotContain("secret", shown.ToString(), StringComparison.Ordinal);
        var shownConfig = shown.GetProperty("config").GetString()!;

        // a Vertex region names the host that receives the service account's bearer token
        Assert.Equal(RootOnly, (await admin.Client.PutJsonAsync("/api/channel/", new { id, config = """{"region":"evil.example/x#"}""" })).Failure());
        (await admin.Client.PutJsonAsync("/api/channel/", new { id, name = "renamed", config = shownConfig })).Data();
        (await gateway.Admin.PutJsonAsync("/api/channel/", new { id, config = shownConfig.Replace("us-east5", "europe-west1", StringComparison.Ordinal) })).Data();

        await using var db = await gateway.DbAsync();
        var stored = System.Text.Json.Nodes.JsonNode.Parse((await db.Channels.SingleAsync(c => c.Id == id)).Config)!;
        Assert.Equal(("europe-west1", "aws-secret", """{"private_key":"pk-secret"}"""),
            (stored["region"]!.GetValue<string>(), stored["sk"]!.GetValue<string>(), stored["vertex_ai_adc"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ChannelTest_UpstreamQuotingTheKey_NeverShowsItToTheAdmin()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var admin = await gateway.MemberAsync(UserRole.Admin);
        var group = "s" + Guid.NewGuid().ToString("N")[..10];
        var id = await gateway.CreateChannelAsync(group, "gpt-4o-mini", pool.Upstream.BaseUrl(group, "error401-echo"));
        var key = "sk-upstream-" + group;

        var answer = await admin.Client.GetJsonAsync($"/api/channel/test/{id}");

        Assert.False(answer.GetProperty("success").GetBoolean());
        Assert.Contains("Incorrect API key provided", answer.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, answer.ToString(), StringComparison.Ordinal);
        var logs = (await admin.Client.GetJsonAsync("/api/log/?type=5")).Data();
        Assert.Contains(logs.EnumerateArray(), l => l.GetProperty("channel").GetInt32() == id);
        Assert.DoesNotContain(key, logs.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestingAllChannels_UpstreamQuotingTheKey_NeverShowsItInTheLogs()
    {
        await using var gateway = await TestGateway.StartAsync("sqlite");
        using var admin = await gateway.MemberAsync(UserRole.Admin);
        var group = "s" + Guid.NewGuid().ToString("N")[..10];
        var id = await gateway.CreateChannelAsync(group, "gpt-4o-mini", pool.Upstream.BaseUrl(group, "error401-echo"));

        (await admin.Client.GetJsonAsync("/api/channel/test")).Data();

        var log = await TestLogAsync(admin, id);
        Assert.Contains("Incorrect API key provided", log, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-upstream-" + group, log, StringComparison.Ordinal);
    }

    private static async Task<string> TestLogAsync(Member admin, int channelId)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var logs = (await admin.Client.GetJsonAsync("/api/log/?type=5")).Data();
            if (logs.EnumerateArray().FirstOrDefault(l => l.GetProperty("channel").GetInt32() == channelId) is { ValueKind: JsonValueKind.Object } log)
            {
                return log.GetProperty("content").GetString()!;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the batch wrote no test log for the channel");
    }
}
