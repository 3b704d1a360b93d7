using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Data;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Hardening;

public sealed class DatabaseOutageTests(DatabaseOutageTests.Pool pool) : IClassFixture<DatabaseOutageTests.Pool>
{
    public sealed class Pool : GatewayPool
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["SQLITE_BUSY_TIMEOUT"] = "1000" };
    }

    [Fact]
    public async Task DatabaseLockedDuringReservation_Is503GatewayUnavailable_ThenServesAgain()
    {
        var gateway = await pool.GetAsync("sqlite");
        // A small token, so that the PR #25 rule makes the gateway write a reservation.
        var account = await gateway.CreateAccountAsync(userQuota: 1_000_000, tokenQuota: 2_000);
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));
        var database = gateway.Services.GetRequiredService<DatabaseSettings>();

        await using (var blocker = new SqliteConnection(database.ConnectionString))
        {
            await blocker.OpenAsync();
            await using var exclusive = blocker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            await exclusive.ExecuteNonQueryAsync();

            using var refused = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());
            var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("gateway_unavailable", body.GetProperty("error").GetProperty("code").GetString());
            Assert.Empty(pool.Upstream.Requests(account.Group));

            await using var rollback = blocker.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        using var served = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}
