using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Data.Entities;
using OneApi.Server.Background;
using OneApi.Server.Channels;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>Channel tests (one and all, with the health rules), balances, deleting disabled channels, and the cost purge.</summary>
public sealed class ChannelOperationsTests(PlaintextSmtpPool pool) : IClassFixture<PlaintextSmtpPool>
{
    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task TestOne_SendsTheTestPromptThroughTheMapping_SavesTimes_AndLogs(string database)
    {
        var gateway = await pool.GetAsync(database);
        var group = "ct" + Guid.NewGuid().ToString("N")[..8];
        var channelId = await gateway.CreateChannelAsync(group, "gpt-4o-mini", pool.Upstream.BaseUrl(group, "ok"),
            extra: new { model_mapping = """{"gpt-4o-mini":"gpt-4o-mapped"}""" });

        var result = JsonDocument.Parse(await gateway.Admin.GetStringAsync($"/api/channel/test/{channelId}")).RootElement;

        Assert.True(result.GetProperty("success").GetBoolean(), result.ToString());
        Assert.Equal(FakeOpenAIUpstream.ReplyText, result.GetProperty("message").GetString());
        Assert.True(result.GetProperty("time").GetDouble() >= 0);
        var sent = JsonDocument.Parse(Assert.Single(pool.Upstream.Requests(group)).BodyText).RootElement;
        Assert.Equal("gpt-4o-mapped", sent.GetProperty("model").GetString());
        Assert.Equal(ChannelTestSettings.DefaultPrompt, sent.GetProperty("messages")[0].GetProperty("content").GetString());
        await using var db = await gateway.DbAsync();
        Assert.True((await db.Channels.SingleAsync(c => c.Id == channelId)).TestTime > 0);
        var log = await db.Logs.SingleAsync(l => l.ChannelId == channelId && l.Type == LogType.Test);
        Assert.Equal(("gpt-4o-mini", 1), (log.ModelName, log.UserId));
        Assert.Contains("passed", log.Content);
    }

    [Fact]
    public async Task TestOne_FailingUpstream_ReportsTheError()
    {
        var gateway = await pool.GetAsync("sqlite");
        var group = "cf" + Guid.NewGuid().ToString("N")[..8];
        var channelId = await gateway.CreateChannelAsync(group, "gpt-4o-mini", pool.Upstream.BaseUrl(group, "error401"));

        var result = JsonDocument.Parse(await gateway.Admin.GetStringAsync($"/api/channel/test/{channelId}?model=gpt-4o")).RootElement;

        Assert.False(result.GetProperty("success").GetBoolean());
        Assert.Contains("Incorrect API key", result.GetProperty("message").GetString());
        Assert.Equal("gpt-4o", result.GetProperty("model").GetString());
        Assert.Equal("channel not found", (await gateway.Admin.GetJsonAsync("/api/channel/test/999999")).Failure());
    }

    [Fact]
    public async Task TestAll_DisablesUnusableChannels_SparesPassingFailures_AndEnablesRecoveredOnes()
    {
        var gateway = await pool.GetAsync("sqlite");
        var group = "ta" + Guid.NewGuid().ToString("N")[..8];
        var broken = await gateway.CreateChannelAsync(group + "b", "gpt-4o-mini", pool.Upstream.BaseUrl(group, "error401"));
        // A 500 or an unknown test model says nothing certain about the account: the channel stays in rotation.
        var flaky = await gateway.CreateChannelAsync(group + "f", "gpt-4o-mini", pool.Upstream.BaseUrl(group, "error500"));
        var unknownModel = await gateway.CreateChannelAsync(group + "u", "gpt-4o-mini", pool.Upstream.BaseUrl(group, "no-such-scenario-404"));
        var recovered = await gateway.CreateChannelAsync(group + "r", "gpt-4o-mini", pool.Upstream.BaseUrl(group, "ok"));
        await using (var db = await gateway.DbAsync())
        {
            await db.Channels.Where(c => c.Id == recovered).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ChannelStatus.AutoDisabled));
        }
        (await gateway.Admin.PutJsonAsync("/api/option/", new { key = "AutomaticDisableChannelEnabled", value = "true" })).Data();
        (await gateway.Admin.PutJsonAsync("/api/option/", new { key = "AutomaticEnableChannelEnabled", value = "true" })).Data();
        try
        {
            (await gateway.Admin.GetJsonAsync("/api/channel/test?scope=all")).Data();
            var batch = gateway.Services.GetRequiredService<ChannelTestBatch>();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (batch.IsRunning && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            await using var db = await gateway.DbAsync();
            Assert.Equal(ChannelStatus.AutoDisabled, (await db.Channels.SingleAsync(c => c.Id == broken)).Status);
            Assert.Equal(ChannelStatus.Enabled, (await db.Channels.SingleAsync(c => c.Id == flaky)).Status);
            Assert.Equal(ChannelStatus.Enabled, (await db.Channels.SingleAsync(c => c.Id == unknownModel)).Status);
            Assert.Equal(ChannelStatus.Enabled, (await db.Channels.SingleAsync(c => c.Id == recovered)).Status);
            Assert.True(await db.Abilities.Where(a => a.ChannelId == recovered).AllAsync(a => a.Enabled));
        }
        finally
        {
            (await gateway.Admin.PutJsonAsync("/api/option/", new { key = "AutomaticDisableChannelEnabled", value = "false" })).Data();
            (await gateway.Admin.PutJsonAsync("/api/option/", new { key = "AutomaticEnableChannelEnabled", value = "false" })).Data();
        }
    }

    [Fact]
    public async Task TestAll_FromTheConsole_MailsRootTheCounts()
    {
        var gateway = await pool.GetAsync("sqlite");
        await using var smtp = new FakeSmtpServer();
        var group = "tm" + Guid.NewGuid().ToString("N")[..8];
        await gateway.CreateChannelAsync(group, "gpt-4o-mini", pool.Upstream.BaseUrl(group, "ok"));
        await using (var db = await gateway.DbAsync())
        {
            await db.Users.Where(u => u.Role == UserRole.Root).ExecuteUpdateAsync(s => s.SetProperty(u => u.Email, "root@example.com"));
        }
        await gateway.SetOptionAsync("SMTPServer", "127.0.0.1");
        await gateway.SetOptionAsync("SMTPPort", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await gateway.SetOptionAsync("SMTPFrom", "gateway@example.com");
        try
        {
            (await gateway.Admin.GetJsonAsync("/api/channel/test?scope=all")).Data();

            var mail = await smtp.MailToAsync("root@example.com");
            Assert.Equal("Channel test finished", mail.Subject);
            Assert.Matches("[0-9]+ channels tested: [1-9][0-9]* passed, 0 disabled", mail.HtmlBody);
        }
        finally
        {
            await gateway.SetOptionAsync("SMTPServer", "");
        }
    }

    [Fact]
    public async Task UpdateBalance_ReadsEachVendorsBillingEndpoint()
    {
        var gateway = await pool.GetAsync("sqlite");
        await using var vendor = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/user/balance", () => Results.Json(new { is_available = true, balance_infos = new[] { new { currency = "CNY", total_balance = "110.50" } } }));
            app.MapGet("/v1/credits", () => Results.Json(new { data = new { total_credits = 25.0, total_usage = 5.25 } }));
        });
        // A Custom channel pointed at a one-api (this very gateway) reads the legacy billing routes with a relay key.
        var account = await gateway.CreateAccountAsync(tokenQuota: 1_500_000);
        var group = "bal" + Guid.NewGuid().ToString("N")[..8];
        var custom = await gateway.CreateChannelAsync(group + "c", "m", gateway.BaseUrl, type: 8, extra: new { key = account.Key });
        var deepSeek = await gateway.CreateChannelAsync(group + "d", "m", vendor.BaseUrl, type: 36);
        var openRouter = await gateway.CreateChannelAsync(group + "o", "m", vendor.BaseUrl, type: 20);
        var azure = await gateway.CreateChannelAsync(group + "a", "m", vendor.BaseUrl, type: 3);

        async Task<double> BalanceAsync(int id)
        {
            var answer = JsonDocument.Parse(await gateway.Admin.GetStringAsync($"/api/channel/update_balance/{id}")).RootElement;
            Assert.True(answer.GetProperty("success").GetBoolean(), answer.ToString());
            return answer.GetProperty("balance").GetDouble();
        }

        Assert.Equal(3.0, await BalanceAsync(custom));
        Assert.Equal(110.5, await BalanceAsync(deepSeek));
        Assert.Equal(19.75, await BalanceAsync(openRouter));
        Assert.Equal("balance is not available for channel type Azure", (await gateway.Admin.GetJsonAsync($"/api/channel/update_balance/{azure}")).Failure());
        await using var db = await gateway.DbAsync();
        var stored = await db.Channels.SingleAsync(c => c.Id == deepSeek);
        Assert.Equal(110.5, stored.Balance);
        Assert.True(stored.BalanceUpdatedTime > 0);
        (await gateway.Admin.GetJsonAsync("/api/channel/update_balance")).Data();
    }

    [Fact]
    public async Task Create_WithNoKey_IsRefusedUnlessTheTypeKeepsItsCredentialsInTheConfig()
    {
        var gateway = await pool.GetAsync("sqlite");
        var name = "nokey" + Guid.NewGuid().ToString("N")[..8];

        var openAI = await gateway.Admin.PostJsonAsync("/api/channel/", new { type = 1, name, key = " ", models = "gpt-4o-mini", group = "default" });
        Assert.False(openAI.GetProperty("success").GetBoolean());
        Assert.Equal("key is required", openAI.GetProperty("message").GetString());

        (await gateway.Admin.PostJsonAsync("/api/channel/", new
        {
            type = 33, name, key = "", models = "claude-3-haiku-20240307", group = "default", status = ChannelStatus.ManuallyDisabled,
            config = """{"region":"us-west-2","ak":"AKIAEXAMPLE","sk":"secret"}""",
        })).Data();
        await using var db = await gateway.DbAsync();
        var aws = await db.Channels.SingleAsync(c => c.Name == name);
        Assert.Equal(("", 33), (aws.Key, aws.Type));
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task DeleteDisabled_RemovesOnlyDisabledChannelsAndTheirAbilities(string database)
    {
        var gateway = await pool.GetAsync(database);
        var group = "dd" + Guid.NewGuid().ToString("N")[..8];
        var kept = await gateway.CreateChannelAsync(group + "k", "gpt-4o-mini", pool.Upstream.BaseUrl(group, "ok"));
        var gone = await gateway.CreateChannelAsync(group + "g", "gpt-4o-mini", pool.Upstream.BaseUrl(group, "ok"));
        (await gateway.Admin.PutJsonAsync("/api/channel/", new { id = gone, status = ChannelStatus.ManuallyDisabled })).Data();

        Assert.True((await gateway.Admin.DeleteJsonAsync("/api/channel/disabled")).Data().GetInt32() >= 1);

        await using var db = await gateway.DbAsync();
        Assert.True(await db.Channels.AnyAsync(c => c.Id == kept));
        Assert.False(await db.Channels.AnyAsync(c => c.Id == gone));
        Assert.False(await db.Abilities.AnyAsync(a => a.ChannelId == gone));
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task CostPurge_DropsRowsOlderThanSevenDays(string database)
    {
        var gateway = await pool.GetAsync(database);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var marker = "purge-" + Guid.NewGuid().ToString("N")[..8];
        await using (var db = await gateway.DbAsync())
        {
            db.UserRequestCosts.AddRange(
                new UserRequestCost { CreatedTime = now - 8 * 86_400, UserId = 1, RequestId = marker + "-old", Quota = 1 },
                new UserRequestCost { CreatedTime = now - 6 * 86_400, UserId = 1, RequestId = marker + "-new", Quota = 1 });
            await db.SaveChangesAsync();
        }

        await gateway.Services.GetRequiredService<RequestCostPurge>().PurgeAsync(CancellationToken.None);

        await using var after = await gateway.DbAsync();
        Assert.Equal([marker + "-new"], await after.UserRequestCosts.Where(c => c.RequestId.StartsWith(marker)).Select(c => c.RequestId).ToListAsync());
    }
}
