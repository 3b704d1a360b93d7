using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Billing;

/// <summary>
/// The billing holes of issue 8, each tried as a hostile customer would with ordinary requests, against an upstream
/// on loopback that answers with whatever usage the test wants to be billed for.
/// </summary>
public sealed class BillingAttackTests(BillingAttackTests.Fixture fixture) : IClassFixture<BillingAttackTests.Fixture>
{
    /// <summary>A priced model with ratio 1 and completion ratio 1, so quota = prompt + completion tokens.</summary>
    private const string FlatModel = "flat-model";

    public sealed class Fixture : IAsyncLifetime
    {
        public TestGateway Gateway { get; private set; } = null!;
        public ScriptedUpstream Upstream { get; private set; } = null!;
        public FakeAnthropicUpstream Anthropic { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Upstream = await ScriptedUpstream.StartAsync();
            Anthropic = await FakeAnthropicUpstream.StartAsync();
            Gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?> { ["DISCONNECT_USAGE_WAIT"] = "10" });
            await Gateway.SetOptionAsync("ModelRatio", $$"""{"{{FlatModel}}":1,"gpt-4o-mini":0.075,"claude-3-5-haiku-20241022":0.4,"whisper-1":15,"text-embedding-3-small":0.01,"dall-e-2":8,"tts-1":7.5,"gpt-3.5-turbo-instruct":0.75}""");
            await Gateway.SetOptionAsync("CompletionRatio", $$"""{"{{FlatModel}}":1}""");
        }

        public async Task DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Upstream.DisposeAsync();
            await Anthropic.DisposeAsync();
        }
    }

    private TestGateway Gateway => fixture.Gateway;

    [Fact]
    public async Task NegativeMaxTokens_FromAnEmptyAccount_IsRefusedBeforeAnythingIsSent()
    {
        var account = await Gateway.CreateAccountAsync(userQuota: 0);
        await Gateway.CreateChannelAsync(account.Group, "claude-3-5-haiku-20241022", fixture.Anthropic.BaseUrl(account.Group, "ok"), type: 14);

        using var negative = await Gateway.RelayAsync("Bearer " + account.Key,
            """{"model":"claude-3-5-haiku-20241022","max_tokens":-100000,"messages":[{"role":"user","content":"hi"}]}""");
        using var valid = await Gateway.RelayAsync("Bearer " + account.Key,
            """{"model":"claude-3-5-haiku-20241022","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Contains("max_tokens", await negative.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, valid.StatusCode);
        Assert.Contains("insufficient_user_quota", await valid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(fixture.Anthropic.Calls(account.Group));
        await AssertBalancesAsync(account, userQuota: 0, tokenRemain: 1_000_000_000, charged: 0);
    }

    [Fact]
    public async Task StreamCostingMoreThanTheBalance_IsChargedInFull_AndTheDebtRefusesTheNextRequest()
    {
        var account = await Gateway.CreateAccountAsync(userQuota: 2_000, tokenQuota: 2_000);
        var channel = await Gateway.CreateChannelAsync(account.Group, FlatModel, fixture.Upstream.BaseUrl(account.Group, "stream-usage-13-48000"));

        using var first = await Gateway.RelayAsync("Bearer " + account.Key,
            $$"""{"model":"{{FlatModel}}","stream":true,"max_tokens":1000,"messages":[{"role":"user","content":"write a lot"}]}""");
        using var second = await Gateway.RelayAsync("Bearer " + account.Key,
            $$"""{"model":"{{FlatModel}}","max_tokens":5,"messages":[{"role":"user","content":"more"}]}""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("data: [DONE]", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var log = Assert.Single(await ConsumeLogsAsync(account));
        Assert.Equal((13, 48_000, 48_013), (log.PromptTokens, log.CompletionTokens, log.Quota));
        await AssertBalancesAsync(account, userQuota: 2_000 - 48_013, tokenRemain: 2_000 - 48_013, charged: 48_013);
        await using (var db = await Gateway.DbAsync())
        {
            Assert.Equal(48_013, (await db.Channels.SingleAsync(c => c.Id == channel)).UsedQuota);
        }
        Assert.True(second.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"a caller in debt got {second.StatusCode}");
        Assert.Single(fixture.Upstream.Calls(account.Group));
    }

    [Fact]
    public async Task UserInDebt_WithAFullToken_IsRefused()
    {
        var account = await Gateway.CreateAccountAsync(userQuota: -5);
        await Gateway.CreateChannelAsync(account.Group, FlatModel, fixture.Upstream.BaseUrl(account.Group, "usage-10-10"));

        using var response = await Gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest(model: FlatModel));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("insufficient_user_quota", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(fixture.Upstream.Calls(account.Group));
    }

    [Fact]
    public async Task ReservationCoversTheCompletion_SoABalanceBelowTheWorstCaseIsRefused()
    {
        // max_tokens 5,000 at completion ratio 1: 500 + prompt + 5,000 > 5,000 held.
        var account = await Gateway.CreateAccountAsync(userQuota: 5_000, tokenQuota: 5_000);
        await Gateway.CreateChannelAsync(account.Group, FlatModel, fixture.Upstream.BaseUrl(account.Group, "usage-10-10"));

        using var tooMuch = await Gateway.RelayAsync("Bearer " + account.Key,
            $$"""{"model":"{{FlatModel}}","max_tokens":5000,"messages":[{"role":"user","content":"hi"}]}""");
        using var fits = await Gateway.RelayAsync("Bearer " + account.Key,
            $$"""{"model":"{{FlatModel}}","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.Forbidden, tooMuch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Single(fixture.Upstream.Calls(account.Group));
        await AssertBalancesAsync(account, userQuota: 5_000 - 20, tokenRemain: 5_000 - 20, charged: 20);
    }

    [Fact]
    public async Task ParallelRequestsFromARichAccount_CannotAllSkipTheReservation()
    {
        // Every request may cost up to (500 + prompt + 1,000) here; one-api trusted each alone (balance > 100×),
        // so 40 in flight together reserved nothing at all.
        var account = await Gateway.CreateAccountAsync(userQuota: 400_000, tokenQuota: 400_000);
        await Gateway.CreateChannelAsync(account.Group, FlatModel, fixture.Upstream.BaseUrl(account.Group, "slow-usage-10-10"));
        var body = $$"""{"model":"{{FlatModel}}","max_tokens":1000,"messages":[{"role":"user","content":"hi"}]}""";

        var requests = Enumerable.Range(0, 40).Select(_ => Gateway.RelayAsync("Bearer " + account.Key, body)).ToList();
        await WaitUntilAsync(() => fixture.Upstream.InFlight(account.Group) >= 40 || requests.Any(r => r.IsCompleted));
        long heldDuringFlight;
        await using (var db = await Gateway.DbAsync())
        {
            heldDuringFlight = 400_000 - (await db.Users.SingleAsync(u => u.Id == account.UserId)).Quota;
        }
        foreach (var response in await Task.WhenAll(requests))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        // At most a hundredth of the balance may ride unreserved; the rest of the 40 worst cases must be held.
        Assert.True(heldDuringFlight >= 40 * 1_500 - 400_000 / 100, $"only {heldDuringFlight} was reserved for 40 requests in flight");
        await AssertBalancesAsync(account, userQuota: 400_000 - 40 * 20, tokenRemain: 400_000 - 40 * 20, charged: 40 * 20);
    }

    [Fact]
    public async Task Transcription_FromAnEmptyAccount_IsRefused()
    {
        var account = await Gateway.CreateAccountAsync(userQuota: 0);
        await Gateway.CreateChannelAsync(account.Group, "whisper-1", fixture.Upstream.BaseUrl(account.Group, "transcription"));

        using var response = await Gateway.TranscribeAsync(account.Key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(fixture.Upstream.Calls(account.Group));
    }

    [Fact]
    public async Task HugeToolDescription_WithoutUpstreamUsage_IsCountedInThePrompt()
    {
        var account = await Gateway.CreateAccountAsync();
        await Gateway.CreateChannelAsync(account.Group, FlatModel, fixture.Upstream.BaseUrl(account.Group, "stream-no-usage"));
        var description = string.Join(' ', Enumerable.Repeat("weather", 20_000));
        var body = new JsonObject
        {
            ["model"] = FlatModel, ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }),
            ["tools"] = new JsonArray(new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = "get_weather", ["description"] = description, ["parameters"] = new JsonObject { ["type"] = "object" } },
            }),
        };

        using var response = await Gateway.RelayAsync("Bearer " + account.Key, body.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var log = Assert.Single(await ConsumeLogsAsync(account));
        Assert.True(log.PromptTokens > 20_000, $"a 20,000-word tool description was billed as {log.PromptTokens} prompt tokens");
        Assert.Contains("counted by the gateway", log.Content, StringComparison.Ordinal);
        // The gateway asked for usage on its own account (ENFORCE_INCLUDE_USAGE is on by default).
        var sent = JsonNode.Parse(fixture.Upstream.Calls(account.Group).Single())!;
        Assert.True((bool)sent["stream_options"]!["include_usage"]!);
    }

    [Fact]
    public async Task ToolCallArgumentsAndReasoning_WithoutUpstreamUsage_AreCountedInTheCompletion()
    {
        var account = await Gateway.CreateAccountAsync();
        await Gateway.CreateChannelAsync(account.Group, FlatModel, fixture.Upstream.BaseUrl(account.Group, "stream-tool-call-no-usage"));

        using var response = await Gateway.RelayAsync("Bearer " + account.Key,
            $$"""{"model":"{{FlatModel}}","stream":true,"messages":[{"role":"user","content":"call it"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var log = Assert.Single(await ConsumeLogsAsync(account));
        // 2,000 words of reasoning and 2,000 words of arguments: well over 4,000 tokens, against 0 before.
        Assert.True(log.CompletionTokens >= 4_000, $"billed {log.CompletionTokens} completion tokens");
    }

    [Fact]
    public async Task UsageTheGatewayAskedFor_IsBilledButNotSentToAClientThatDidNotAsk()
    {
        var account = await Gateway.CreateAccountAsync();
        await Gateway.CreateChannelAsync(account.Group, FlatModel, fixture.Upstream.BaseUrl(account.Group, "stream-usage-10-10"));

        using var unasked = await Gateway.RelayAsync("Bearer " + account.Key,
            $$"""{"model":"{{FlatModel}}","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        using var asked = await Gateway.RelayAsync("Bearer " + account.Key,
            $$"""{"model":"{{FlatModel}}","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""");

        Assert.DoesNotContain("\"choices\":[]", await unasked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("\"choices\":[]", await asked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.All(await ConsumeLogsAsync(account), log => Assert.Equal(20, log.Quota));
    }

    [Fact]
    public async Task ClientHangsUpMidStream_TheUpstreamIsReadOnAndItsUsageIsBilled()
    {
        var account = await Gateway.CreateAccountAsync();
        await Gateway.CreateChannelAsync(account.Group, FlatModel, fixture.Upstream.BaseUrl(account.Group, "slow-stream-usage-10-300"));

        using (var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = new Uri(Gateway.BaseUrl) })
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions"))
        {
            request.Content = new StringContent($$"""{"model":"{{FlatModel}}","stream":true,"messages":[{"role":"user","content":"count"}]}""", Encoding.UTF8, "application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Key);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            for (var events = 0; events < 3 && await reader.ReadLineAsync() is { } line;)
            {
                events += line.StartsWith("data: ", StringComparison.Ordinal) ? 1 : 0;
            }
        } // closes the connection after three events

        var log = await WaitForConsumeLogAsync(account);
        Assert.Equal((10, 300, 310), (log.PromptTokens, log.CompletionTokens, log.Quota));
        Assert.True(fixture.Upstream.Completed(account.Group), "the upstream stream was not read to its end");
    }

    private async Task<List<Log>> ConsumeLogsAsync(TestAccount account)
    {
        await using var db = await Gateway.DbAsync();
        return await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).ToListAsync();
    }

    private async Task<Log> WaitForConsumeLogAsync(TestAccount account)
    {
        for (var i = 0; i < 300; i++)
        {
            if ((await ConsumeLogsAsync(account)).FirstOrDefault() is { } log)
            {
                return log;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("no consume log was written");
    }

    private async Task AssertBalancesAsync(TestAccount account, long userQuota, long tokenRemain, long charged)
    {
        await using var db = await Gateway.DbAsync();
        var user = await db.Users.SingleAsync(u => u.Id == account.UserId);
        var token = await db.Tokens.SingleAsync(t => t.Id == account.TokenId);
        Assert.Equal((userQuota, charged), (user.Quota, user.UsedQuota));
        Assert.Equal((tokenRemain, charged), (token.RemainQuota, token.UsedQuota));
        Assert.Equal(charged, (await ConsumeLogsAsync(account)).Sum(l => (long)l.Quota));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(25);
        }
    }
}
