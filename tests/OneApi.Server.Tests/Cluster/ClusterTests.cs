using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Server.Options;
using OneApi.Server.Tests.Admin;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Cluster;

/// <summary>
/// Two nodes on one database and one Redis (<c>ONEAPI_TEST_REDIS</c>; without it these tests return at once).
/// <c>SYNC_FREQUENCY</c> and <c>TOKEN_CACHE_SECONDS</c> are an hour, so only the Redis signal can explain what node B sees.
/// </summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private FakeOpenAIUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeOpenAIUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private static async Task<(TestGateway A, TestGateway B)?> StartPairAsync(string database, IDictionary<string, string?>? extra = null)
    {
        if (TestGateway.RedisAddress is not { } redis)
        {
            return null;
        }
        var settings = new Dictionary<string, string?>
        {
            ["REDIS_CONN_STRING"] = "redis://" + redis,
            ["REDIS_KEY_PREFIX"] = "oneapi-test-" + Guid.NewGuid().ToString("N")[..12] + ":",
            ["SYNC_FREQUENCY"] = "3600",
            ["TOKEN_CACHE_SECONDS"] = "3600",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var a = await TestGateway.StartAsync(database, settings);
        return (a, await a.StartPeerAsync());
    }

    /// <summary>Waits (briefly) for another node to act on a signal: delivery is asynchronous, but far below a second.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }
            await Task.Delay(50);
        }
    }

    private static async Task<HttpStatusCode> ChatStatusAsync(TestGateway gateway, TestAccount account)
    {
        using var response = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());
        return response.StatusCode;
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task ChannelCreatedOnNodeA_IsUsedByNodeB_AtOnce(string database)
    {
        if (await StartPairAsync(database) is not var (a, b))
        {
            return;
        }
        await using var _ = a;
        await using var __ = b;
        var account = await a.CreateAccountAsync();
        Assert.NotEqual(HttpStatusCode.OK, await ChatStatusAsync(b, account));

        await a.CreateChannelAsync(account.Group, "gpt-4o-mini", _upstream.BaseUrl(account.Group, "ok"));

        Assert.Equal(HttpStatusCode.OK, await EventuallyAsync(() => ChatStatusAsync(b, account), s => s == HttpStatusCode.OK));
        Assert.Single(_upstream.Requests(account.Group));
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task OptionChangedOnNodeA_IsSeenByNodeB_AtOnce(string database)
    {
        if (await StartPairAsync(database) is not var (a, b))
        {
            return;
        }
        await using var _ = a;
        await using var __ = b;
        var options = b.Services.GetRequiredService<OptionStore>();
        Assert.Equal(0, options.Current.RetryTimes);

        (await a.Admin.PutJsonAsync("/api/option/", new { key = "RetryTimes", value = "3" })).Data();
        (await a.Admin.PutJsonAsync("/api/option/", new { key = "GroupRatio", value = """{"default":1,"vip":1,"svip":1,"cluster":2.5}""" })).Data();

        Assert.Equal(2.5, await EventuallyAsync(() => Task.FromResult(options.Current.GroupRatios.GetValueOrDefault("cluster")), r => r == 2.5));
        Assert.Equal(3, options.Current.RetryTimes);
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task TokenDisabledOnNodeA_IsRefusedByNodeB_AtOnce(string database)
    {
        if (await StartPairAsync(database) is not var (a, b))
        {
            return;
        }
        await using var _ = a;
        await using var __ = b;
        var account = await a.CreateAccountAsync();
        await a.CreateChannelAsync(account.Group, "gpt-4o-mini", _upstream.BaseUrl(account.Group, "ok"));
        await b.Services.GetRequiredService<OneApi.Server.Channels.RoutingTableStore>().ReloadAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(b, account)); // B now holds the key in its hour-long cache

        using var owner = await a.ClientForAsync(account.UserId);
        (await owner.PutJsonAsync("/api/token/?status_only=true", new { id = account.TokenId, status = 2 })).Data();

        var status = await EventuallyAsync(() => ChatStatusAsync(b, account), s => s != HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Single(_upstream.Requests(account.Group));
    }

    [Fact]
    public async Task ChannelSuspendedOnNodeA_IsPassedOverByNodeB()
    {
        if (await StartPairAsync("sqlite") is not var (a, b))
        {
            return;
        }
        await using var _ = a;
        await using var __ = b;
        var account = await a.CreateAccountAsync();
        var limitedGroup = account.Group + "-limited";
        // the rate-limited channel is preferred; the other one is only used while it is benched
        var limited = await a.CreateChannelAsync(account.Group, "gpt-4o-mini", _upstream.BaseUrl(limitedGroup, "error429"), extra: new { priority = 10 });
        await a.CreateChannelAsync(account.Group, "gpt-4o-mini", _upstream.BaseUrl(account.Group, "ok"));
        await b.Services.GetRequiredService<OneApi.Server.Channels.RoutingTableStore>().ReloadAsync(CancellationToken.None);
        var suspensionsOnB = b.Services.GetRequiredService<OneApi.Server.Channels.ChannelSuspensions>();

        Assert.Equal(HttpStatusCode.TooManyRequests, await ChatStatusAsync(a, account));

        Assert.True(await EventuallyAsync(() => Task.FromResult(suspensionsOnB.IsSuspended(limited)), suspended => suspended));
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(b, account));
        Assert.Single(_upstream.Requests(limitedGroup));
        Assert.Single(_upstream.Requests(account.Group));
    }

    [Fact]
    public async Task FailuresOnNodeA_CountInNodeBsSuccessRateWindow_AndStatusPage()
    {
        var metric = new Dictionary<string, string?>
        {
            ["ENABLE_METRIC"] = "true",
            ["METRIC_QUEUE_SIZE"] = "4",
            ["METRIC_SUCCESS_RATE_THRESHOLD"] = "0.5",
            ["CHANNEL_SUSPEND_SECONDS_FOR_5XX"] = "0",
        };
        if (await StartPairAsync("sqlite", metric) is not var (a, b))
        {
            return;
        }
        await using var _ = a;
        await using var __ = b;
        var account = await a.CreateAccountAsync();
        var channel = await a.CreateChannelAsync(account.Group, "gpt-4o-mini", _upstream.BaseUrl(account.Group, "error500"));
        await b.Services.GetRequiredService<OneApi.Server.Channels.RoutingTableStore>().ReloadAsync(CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, await ChatStatusAsync(a, account));
        }
        var seenOnB = await EventuallyAsync(async () => (await b.Admin.GetJsonAsync("/api/channel/status")).Data().EnumerateArray()
            .Single(c => c.GetProperty("id").GetInt32() == channel), c => c.GetProperty("recent_calls").GetInt32() == 3);
        Assert.Equal((3, 0), (seenOnB.GetProperty("recent_calls").GetInt32(), seenOnB.GetProperty("recent_successes").GetInt32()));

        // node B's fourth failure fills a window of four: three of them were node A's calls
        Assert.Equal(HttpStatusCode.InternalServerError, await ChatStatusAsync(b, account));
        await using var db = await a.DbAsync();
        Assert.Equal(OneApi.Data.Entities.ChannelStatus.AutoDisabled, await db.Channels.Where(c => c.Id == channel).Select(c => c.Status).SingleAsync());
    }

    [Fact]
    public async Task LoginAttempts_AreCountedAcrossNodes()
    {
        if (await StartPairAsync("sqlite", new Dictionary<string, string?> { ["CRITICAL_RATE_LIMIT"] = "3" }) is not var (a, b))
        {
            return;
        }
        await using var _ = a;
        await using var __ = b;

        async Task<HttpStatusCode> LoginAsync(TestGateway node)
        {
            using var response = await node.Http.PostAsJsonAsync("/api/user/login", new { username = "root", password = "wrong" });
            return response.StatusCode;
        }

        HttpStatusCode[] statuses = [await LoginAsync(a), await LoginAsync(b), await LoginAsync(a), await LoginAsync(b), await LoginAsync(a)];

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        using var refused = await b.Http.PostAsJsonAsync("/api/user/login", new { username = "root", password = "wrong" });
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single()), 1, 20 * 60);
    }

    [Fact]
    public async Task RelayCallsPerKey_AreCountedAcrossNodes()
    {
        if (await StartPairAsync("sqlite", new Dictionary<string, string?> { ["GLOBAL_RELAY_RATE_LIMIT"] = "2" }) is not var (a, b))
        {
            return;
        }
        await using var _ = a;
        await using var __ = b;
        var account = await a.CreateAccountAsync();
        await a.CreateChannelAsync(account.Group, "gpt-4o-mini", _upstream.BaseUrl(account.Group, "ok"));
        await b.Services.GetRequiredService<OneApi.Server.Channels.RoutingTableStore>().ReloadAsync(CancellationToken.None);

        HttpStatusCode[] statuses = [await ChatStatusAsync(a, account), await ChatStatusAsync(b, account), await ChatStatusAsync(a, account), await ChatStatusAsync(b, account)];

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, _upstream.Requests(account.Group).Count);
    }

    [Fact]
    public async Task RelayLimit_CountsOneTokenAcrossNodes_WhicheverHeaderCarriesTheKey()
    {
        if (await StartPairAsync("sqlite", new Dictionary<string, string?> { ["GLOBAL_RELAY_RATE_LIMIT"] = "2" }) is not var (a, b))
        {
            return;
        }
        await using var _ = a;
        await using var __ = b;
        var account = await a.CreateAccountAsync();
        await a.CreateChannelAsync(account.Group, "gpt-4o-mini", _upstream.BaseUrl(account.Group, "ok"));
        await b.Services.GetRequiredService<OneApi.Server.Channels.RoutingTableStore>().ReloadAsync(CancellationToken.None);

        var statuses = new List<HttpStatusCode>();
        foreach (var (i, row) in Hardening.RateLimitTests.KeyHeaders(account.Key).Index())
        {
            var node = i % 2 == 0 ? a : b;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(new
            {
                model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "hi" } },
            }) };
            request.Headers.TryAddWithoutValidation((string)row[0], (string)row[1]);
            using var response = await node.Http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], statuses.Take(2));
        Assert.All(statuses.Skip(2), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));
        Assert.Equal(2, _upstream.Requests(account.Group).Count);
    }

    [Fact]
    public async Task RedisDown_RelayAndAdminKeepWorking_LimitsFailOpen()
    {
        await using var gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?>
        {
            ["REDIS_CONN_STRING"] = "redis://127.0.0.1:1", // nothing listens there
            ["GLOBAL_RELAY_RATE_LIMIT"] = "1",
        });
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", _upstream.BaseUrl(account.Group, "ok"));

        // The channel change could not be signalled and the limit could not be counted: both are let through.
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(gateway, account));
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(gateway, account));
    }
}
