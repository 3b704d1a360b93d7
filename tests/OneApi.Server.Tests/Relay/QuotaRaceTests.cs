using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Relay;

public sealed class QuotaRaceTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    /// <summary>
    /// What <see cref="TestGateway.ChatRequest"/> reserves on gpt-4o-mini (ratio 0.075, completion ratio 4): PreConsumedQuota
    /// 500, the prompt estimate, and CompletionReserveTokens 1,024 of output at the completion ratio.
    /// </summary>
    private static readonly long Reservation =
        (long)Math.Ceiling((500 + OneApi.Relay.Tokens.PromptEstimate.Tokens(Encoding.UTF8.GetBytes(TestGateway.ChatRequest())) + 1_024 * 4) * 0.075);

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task TwoHundredRequestsInFlightAtOnce_OnATokenCoveringTen_ExactlyTenAreServedAndCharged(string database)
    {
        var gateway = await pool.GetAsync(database);
        // 10 × one request's reservation covers exactly ten. The upstream takes 2.5 s, so all 200 requests hold or ask
        // for a reservation at the same time and none is refunded early.
        var tokenQuota = 10 * Reservation;
        var account = await gateway.CreateAccountAsync(userQuota: 1_000_000_000, tokenQuota: tokenQuota);
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "slow-ok"));
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent(TestGateway.ChatRequest(), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", account.Key);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }));

        var byStatus = string.Join(", ", statuses.GroupBy(s => (int)s).Select(g => $"{g.Key}×{g.Count()}"));
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) == 10, byStatus);
        // Refused: 403 when the reservation fails, 401 when the key is read while the whole balance is reserved.
        Assert.True(statuses.Count(s => s is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized) == 190, byStatus);
        await using var db = await gateway.DbAsync();
        var token = await db.Tokens.SingleAsync(t => t.Id == account.TokenId);
        Assert.Equal((tokenQuota - 30, 30L), (token.RemainQuota, token.UsedQuota));
        Assert.Equal(30, await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).SumAsync(l => l.Quota));
        Assert.Equal(1_000_000_000 - 30, (await db.Users.SingleAsync(u => u.Id == account.UserId)).Quota);
        // The refunds made the token usable again: a moment of full reservation did not exhaust it for good.
        Assert.Equal(TokenStatus.Enabled, token.Status);
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // past TOKEN_CACHE_SECONDS
        using var after = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task HundredConcurrentRequests_OnATokenCoveringTen_NeverOverdraw(string database)
    {
        var gateway = await pool.GetAsync(database);
        // Each request reserves its worst case and finally costs 3. The quota covers ten reservations.
        var tokenQuota = 10 * Reservation;
        var account = await gateway.CreateAccountAsync(userQuota: 1_000_000_000, tokenQuota: tokenQuota);
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));

        var statuses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            using var response = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());
            return response.StatusCode;
        }));

        var succeeded = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, s.ToString()));
        await using var db = await gateway.DbAsync();
        var token = await db.Tokens.SingleAsync(t => t.Id == account.TokenId);
        var charged = await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).SumAsync(l => l.Quota);
        Assert.InRange(succeeded, 10, 100);
        Assert.Equal(succeeded * 3, charged);
        Assert.Equal(tokenQuota - charged, token.RemainQuota);
        Assert.Equal(charged, token.UsedQuota);
        Assert.True(token.RemainQuota >= 0);
        Assert.Equal(succeeded, pool.Upstream.Requests(account.Group).Count);
    }
}
