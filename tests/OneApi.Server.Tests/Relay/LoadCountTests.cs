using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Relay;

/// <summary>
/// What the benchmark measures, checked by counts rather than time: many streams at once arrive whole, and a prompt of
/// a megabyte is relayed byte for byte and billed exactly, with or without the upstream's usage.
/// </summary>
public sealed class LoadCountTests(LoadCountTests.Fixture fixture) : IClassFixture<LoadCountTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public TestGateway Gateway { get; private set; } = null!;
        public ScriptedUpstream Upstream { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Upstream = await ScriptedUpstream.StartAsync();
            // A budget smaller than the prompts the tests send at once, so they must take turns.
            Gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?> { ["BODY_MEMORY_MB"] = "2" });
        }

        public async Task DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoThousandConcurrentStreams_AllArriveIntactAndAreBilled()
    {
        const int streams = 2_000;
        var account = await fixture.Gateway.CreateAccountAsync();
        await fixture.Gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", fixture.Upstream.BaseUrl(account.Group, "slow-stream-usage-5-40"));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = new Uri(fixture.Gateway.BaseUrl), Timeout = TimeSpan.FromMinutes(3),
        };
        var body = """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"count"}]}""";

        var results = await Task.WhenAll(Enumerable.Range(0, streams).Select(async _ =>
        {
            using var request = Post(account, body);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, Chunks: text.Split("\n\n").Count(e => e.StartsWith("data: {", StringComparison.Ordinal)), Done: text.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal));
        }));

        var intact = results.Count(r => r is { StatusCode: HttpStatusCode.OK, Chunks: 40, Done: true });
        Assert.True(intact == streams, $"{intact} of {streams} intact; statuses: " +
            string.Join(", ", results.GroupBy(r => (r.StatusCode, r.Chunks, r.Done)).Select(g => $"{g.Key}×{g.Count()}")));
        await using var db = await fixture.Gateway.DbAsync();
        var logs = await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).ToListAsync();
        Assert.Equal(streams, logs.Count);
        Assert.All(logs, log => Assert.Equal((5, 40), (log.PromptTokens, log.CompletionTokens)));
    }

    [Fact]
    public async Task OneMegabytePrompt_IsRelayedByteForByte_AndBilledAsTheUpstreamReports()
    {
        var account = await fixture.Gateway.CreateAccountAsync();
        await fixture.Gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", fixture.Upstream.BaseUrl(account.Group, "usage-250000-10"));
        var body = LargeChat(1024 * 1024, stream: false);

        using var response = await SendAsync(account, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, fixture.Upstream.Calls(account.Group).Single());
        var log = await SingleLogAsync(account);
        // ceil((250,000 + 10 × 4) × 0.075)
        Assert.Equal((250_000, 10, 18_753), (log.PromptTokens, log.CompletionTokens, log.Quota));
        Assert.DoesNotContain("counted by the gateway", log.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneMegabytePromptStreamed_WithoutUpstreamUsage_IsCountedByTheGateway()
    {
        var account = await fixture.Gateway.CreateAccountAsync();
        await fixture.Gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", fixture.Upstream.BaseUrl(account.Group, "stream-no-usage"));
        var body = LargeChat(1024 * 1024, stream: true);

        using var response = await SendAsync(account, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = fixture.Upstream.Calls(account.Group).Single();
        Assert.Contains("\"include_usage\":true", sent, StringComparison.Ordinal);
        Assert.Equal(body.Length + "\"stream_options\":{\"include_usage\":true},".Length, sent.Length); // spliced, not rewritten
        var log = await SingleLogAsync(account);
        Assert.Contains("counted by the gateway", log.Content, StringComparison.Ordinal);
        Assert.InRange(log.PromptTokens, 100_000, 1_100_000); // ~1 MB of words
        Assert.True(log.CompletionTokens > 0);
    }

    [Fact]
    public async Task LargePromptsAtOnce_BeyondTheBodyMemoryBudget_TakeTurns_AndAreAllBilled()
    {
        const int prompts = 12; // 12 × 600 KB at once, through a budget of 2 MB
        var account = await fixture.Gateway.CreateAccountAsync();
        await fixture.Gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", fixture.Upstream.BaseUrl(account.Group, "usage-1000-10"));
        var body = LargeChat(600 * 1024, stream: false);

        var statuses = await Task.WhenAll(Enumerable.Range(0, prompts).Select(async _ =>
        {
            using var response = await SendAsync(account, body);
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.All(fixture.Upstream.Calls(account.Group), sent => Assert.Equal(body, sent));
        await using var db = await fixture.Gateway.DbAsync();
        var logs = await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).ToListAsync();
        Assert.Equal(prompts, logs.Count);
        Assert.All(logs, log => Assert.Equal((1000, 10), (log.PromptTokens, log.CompletionTokens)));
        Assert.Equal(0, fixture.Gateway.Services.GetRequiredService<OneApi.Server.Relay.BodyMemoryBudget>().InUse);
    }

    [Fact]
    public async Task AStreamBeingAnswered_HoldsNoShareOfTheBodyBudget()
    {
        var account = await fixture.Gateway.CreateAccountAsync();
        await fixture.Gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", fixture.Upstream.BaseUrl(account.Group, "slow-stream-usage-5-40"));
        var budget = fixture.Gateway.Services.GetRequiredService<OneApi.Server.Relay.BodyMemoryBudget>();
        using var request = Post(account, LargeChat(1024 * 1024, stream: true));

        using var response = await fixture.Gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var firstEvent = await reader.ReadLineAsync();

        // Mid-stream: the 1 MB prompt is still kept for the request, but no longer counted against new ones.
        Assert.StartsWith("data: {", firstEvent, StringComparison.Ordinal);
        Assert.Equal(0, budget.InUse);
        Assert.EndsWith("data: [DONE]", (await reader.ReadToEndAsync()).TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnswer_KeepsItsShareOfTheBodyBudget_UntilItHasBeenRead()
    {
        var account = await fixture.Gateway.CreateAccountAsync();
        await fixture.Gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", fixture.Upstream.BaseUrl(account.Group, "held-body-usage-1000-10"));
        var budget = fixture.Gateway.Services.GetRequiredService<OneApi.Server.Relay.BodyMemoryBudget>();

        var sending = SendAsync(account, LargeChat(300 * 1024, stream: false));
        for (var waited = 0; fixture.Upstream.Calls(account.Group).Count == 0 && waited < 10_000; waited += 20)
        {
            await Task.Delay(20);
        }
        await Task.Delay(300); // time for the answer's headers to reach the gateway

        // The answer's headers are in and its body is held back: the prompt still counts against new ones, so bodies
        // waiting on their answers cannot pile up past the budget.
        Assert.Equal(512 * 1024, budget.InUse);
        Assert.False(sending.IsCompleted);
        fixture.Upstream.ReleaseBody(account.Group);
        using var response = await sending;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task AnAnswerWaitingForItsSettlement_HasGivenItsBodyBack()
    {
        var account = await fixture.Gateway.CreateAccountAsync();
        await fixture.Gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", fixture.Upstream.BaseUrl(account.Group, "usage-1000-10"));
        var budget = fixture.Gateway.Services.GetRequiredService<OneApi.Server.Relay.BodyMemoryBudget>();
        string database;
        await using (var db = await fixture.Gateway.DbAsync())
        {
            database = db.Database.GetDbConnection().ConnectionString;
        }
        // Another writer holds the database, so the settlement waits for it as it would for a slow disk or a busy batch.
        await using var blocker = new Microsoft.Data.Sqlite.SqliteConnection(database);
        await blocker.OpenAsync();
        await using var lockHeld = blocker.CreateCommand();
        lockHeld.CommandText = "BEGIN IMMEDIATE";
        await lockHeld.ExecuteNonQueryAsync();

        var sending = SendAsync(account, LargeChat(300 * 1024, stream: false));
        for (var waited = 0; (fixture.Upstream.Calls(account.Group).Count == 0 || budget.InUse != 0) && waited < 10_000; waited += 20)
        {
            await Task.Delay(20);
        }

        Assert.Single(fixture.Upstream.Calls(account.Group));
        Assert.Equal(0, budget.InUse);
        Assert.False(sending.IsCompleted, "the settlement could not have been written");
        lockHeld.CommandText = "ROLLBACK";
        await lockHeld.ExecuteNonQueryAsync();
        using var response = await sending;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var log = await SingleLogAsync(account);
        Assert.Equal((1000, 10), (log.PromptTokens, log.CompletionTokens));
    }

    [Fact]
    public async Task ANameGivenTwiceInABilledField_Is400_AndNothingGoesUpstream()
    {
        var account = await fixture.Gateway.CreateAccountAsync();
        await fixture.Gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", fixture.Upstream.BaseUrl(account.Group, "stream-usage-5-5"));

        using var response = await SendAsync(account,
            """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":false,"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(fixture.Upstream.Calls(account.Group));
    }

    [Fact]
    public async Task PromptSentInChunks_WithoutContentLength_IsRelayedWhole()
    {
        var account = await fixture.Gateway.CreateAccountAsync();
        await fixture.Gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", fixture.Upstream.BaseUrl(account.Group, "usage-1000-10"));
        var body = LargeChat(300 * 1024, stream: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            // A stream of unknown length goes out chunked: the gateway's buffer grows as the body arrives.
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)), bufferSize: 7_000),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Key);
        request.Headers.TransferEncodingChunked = true;

        using var response = await fixture.Gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, fixture.Upstream.Calls(account.Group).Single());
        var log = await SingleLogAsync(account);
        Assert.Equal((1000, 10), (log.PromptTokens, log.CompletionTokens));
        Assert.Equal(0, fixture.Gateway.Services.GetRequiredService<OneApi.Server.Relay.BodyMemoryBudget>().InUse);
    }

    [Fact]
    public async Task HeadersNearKestrelsLimit_StillFitTheReadAheadBuffer()
    {
        var account = await fixture.Gateway.CreateAccountAsync();
        await fixture.Gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", fixture.Upstream.BaseUrl(account.Group, "usage-5-5"));
        using var request = Post(account, LargeChat(100 * 1024, stream: false));
        request.Headers.Add("X-Large", new string('h', 28 * 1024)); // the read-ahead is the headers' 32 KB limit

        using var response = await fixture.Gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string LargeChat(int bytes, bool stream)
    {
        var words = new StringBuilder(bytes);
        for (var i = 0; words.Length < bytes; i++)
        {
            words.Append("lorem ipsum dolor ").Append(i).Append(' ');
        }
        return $$"""{"model":"gpt-4o-mini","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":{{JsonSerializer.Serialize(words.ToString())}}}]}""";
    }

    private static HttpRequestMessage Post(TestAccount account, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Key);
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(TestAccount account, string body)
    {
        using var request = Post(account, body);
        var response = await fixture.Gateway.Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private async Task<Log> SingleLogAsync(TestAccount account)
    {
        await using var db = await fixture.Gateway.DbAsync();
        return await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
    }
}
