using System.Text;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Relay;

/// <summary>
/// With <c>DISCONNECT_USAGE_WAIT=0</c> the operator opts out of reading on after a hang-up (the default reads on for
/// the upstream's usage; see <c>BillingAttackTests</c>): the upstream is cancelled at once and what arrived is billed.
/// </summary>
public sealed class StreamHangUpTests(StreamHangUpTests.NoWaitPool pool) : IClassFixture<StreamHangUpTests.NoWaitPool>
{
    public sealed class NoWaitPool : GatewayPool
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["DISCONNECT_USAGE_WAIT"] = "0" };
    }

    [Fact]
    public async Task ClientHangsUpMidStream_WithoutAWaitForUsage_UpstreamIsCancelledAndOnlyWhatArrivedIsBilled()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "slow-stream"));

        // No draining on dispose: closing the response must close the connection, as a client that goes away does.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = new Uri(gateway.BaseUrl) };
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions"))
        {
            request.Content = new StringContent("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"count"}]}""", Encoding.UTF8, "application/json");
            request.Headers.Authorization = new("Bearer", account.Key);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            using var reader = new StreamReader(body);
            var events = 0;
            while (events < 5 && await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    events++;
                }
            }
        } // disposing the response closes the connection mid-stream

        // The slow upstream needs 200 × 20 ms = 4 s for the whole stream; the gateway must give up on it long before.
        await WaitUntilAsync(() => pool.Upstream.StreamsAborted.ContainsKey(account.Group), TimeSpan.FromSeconds(3));
        await using var db = await gateway.DbAsync();
        var log = await WaitForLogAsync(gateway, account.UserId);
        // Each event is "wordN " (2-3 tokens); only the handful delivered before the hang-up may be billed.
        Assert.InRange(log.CompletionTokens, 1, 60);
        Assert.True(log.IsStream);
    }

    private static async Task<Log> WaitForLogAsync(TestGateway gateway, int userId)
    {
        for (var i = 0; i < 100; i++)
        {
            await using var db = await gateway.DbAsync();
            if (await db.Logs.FirstOrDefaultAsync(l => l.UserId == userId && l.Type == LogType.Consume) is { } log)
            {
                return log;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("no consume log was written");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
