using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Billing;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Billing;

/// <summary>
/// How settlements reach the books: a request alone in flight commits its own on its own thread; with others in
/// flight they queue for the group commit. Either way each is committed once, before its answer.
/// </summary>
public sealed class BillingLedgerTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    [Fact]
    public async Task Relay_Answered_LeavesNoReservationHeld()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));

        using var response = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(0, gateway.Services.GetRequiredService<QuotaReservations>().Held);
    }

    [Fact]
    public async Task Settle_AloneWithTheWriterIdle_IsCommittedBeforeItReturns()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync(userQuota: 1_000, tokenQuota: 1_000);
        var ledger = gateway.Services.GetRequiredService<BillingLedger>();

        var settled = ledger.SettleAsync(SettlementOf(account, quota: 7, "alone"));

        Assert.True(settled.IsCompletedSuccessfully); // SQLite completes synchronously: no handoff to another thread
        await using var db = await gateway.DbAsync();
        Assert.Equal(993, await db.Users.Where(u => u.Id == account.UserId).Select(u => u.Quota).SingleAsync());
        Assert.Equal(7, await db.Logs.Where(l => l.RequestId == "alone").Select(l => l.Quota).SingleAsync());
    }

    [Fact]
    public async Task Settle_ManyWithOthersInFlight_AreEachCommittedOnce()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync(userQuota: 100_000, tokenQuota: 100_000);
        var ledger = gateway.Services.GetRequiredService<BillingLedger>();
        var reservations = gateway.Services.GetRequiredService<QuotaReservations>();
        var caller = new RelayCaller(account.UserId, account.Group, UserRole.Common, account.Group, 100_000, account.TokenId,
            "t-" + account.Group, false, 100_000, null, null);
        var (first, _) = await reservations.TryReserveAsync(caller, 0, CancellationToken.None);
        var (second, _) = await reservations.TryReserveAsync(caller, 0, CancellationToken.None);
        using var held = first!;
        using var alsoHeld = second!;
        Assert.Equal(2, reservations.Held);

        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => ledger.SettleAsync(SettlementOf(account, quota: 3, $"many-{account.Group}-{i}")))))
            .WaitAsync(TimeSpan.FromSeconds(30));

        await using var db = await gateway.DbAsync();
        Assert.Equal(100_000 - 900, await db.Users.Where(u => u.Id == account.UserId).Select(u => u.Quota).SingleAsync());
        Assert.Equal(100_000 - 900, await db.Tokens.Where(t => t.Id == account.TokenId).Select(t => t.RemainQuota).SingleAsync());
        Assert.Equal(300, await db.Logs.CountAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume));
    }

    private static Settlement SettlementOf(TestAccount account, long quota, string requestId) => new(
        account.UserId, account.Group, account.TokenId, "t-" + account.Group, false, ChannelId: 0, "gpt-4o-mini", requestId,
        quota, Reserved: 0, PromptTokens: 1, CompletionTokens: 1, ElapsedMs: 1, IsStream: false, SystemPromptReset: false, "test");
}
