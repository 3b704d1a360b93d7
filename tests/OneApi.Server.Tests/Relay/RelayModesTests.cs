using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Relay;

public sealed class RelayModesTests(RelayModesTests.Pool pool) : IClassFixture<RelayModesTests.Pool>
{
    public sealed class Pool : GatewayPool
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["ENFORCE_INCLUDE_USAGE"] = "true" };
    }

    private static Task<HttpResponseMessage> PostAsync(TestGateway gateway, TestAccount account, string path, string body) =>
        gateway.RelayAsync("Bearer " + account.Key, body, path);

    private static async Task<Log> ConsumeLogAsync(TestGateway gateway, TestAccount account)
    {
        await using var db = await gateway.DbAsync();
        return await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
    }

    [Fact]
    public async Task EnforceIncludeUsage_AddsStreamOptionsToUpstreamStreams()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "stream"));

        using var response = await PostAsync(gateway, account, "/v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        await response.Content.ReadAsStringAsync();

        using var sent = JsonDocument.Parse(pool.Upstream.Requests(account.Group).Single().Body);
        Assert.True(sent.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(7, (await ConsumeLogAsync(gateway, account)).CompletionTokens);
    }

    [Fact]
    public async Task Completions_AreRelayedAndBilledWithTheCompletionRatio()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-3.5-turbo-instruct", pool.Upstream.BaseUrl(account.Group, "ok"));

        using var response = await PostAsync(gateway, account, "/v1/completions", """{"model":"gpt-3.5-turbo-instruct","prompt":"Say this is a test","max_tokens":7}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/v1/completions", pool.Upstream.Requests(account.Group).Single().Path);
        var log = await ConsumeLogAsync(gateway, account);
        // gpt-3.5-turbo-instruct: ratio 0.75, completion ratio 4/3 → ceil((5 + 7 × 4/3) × 0.75) = ceil(10.75) = 11
        Assert.Equal((5, 7, 11), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task EnginesEmbeddings_TakeTheModelFromThePath()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "text-embedding-ada-002", pool.Upstream.BaseUrl(account.Group, "ok"));

        using var response = await PostAsync(gateway, account, "/v1/engines/text-embedding-ada-002/embeddings", """{"input":"hello"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = pool.Upstream.Requests(account.Group).Single();
        Assert.Equal("/v1/embeddings", sent.Path);
        Assert.Equal("text-embedding-ada-002", JsonDocument.Parse(sent.Body).RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task UpstreamAnswersGarbageWith200_Is502AndRefunded()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync(userQuota: 1_000_000, tokenQuota: 2_000);
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "malformed"));

        using var response = await PostAsync(gateway, account, "/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        await using var db = await gateway.DbAsync();
        Assert.Equal(2_000, (await db.Tokens.SingleAsync(t => t.Id == account.TokenId)).RemainQuota);
    }

    [Fact]
    public async Task UpstreamResetsMidStream_ClientKeepsWhatArrivedAndIsBilledForIt()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "reset-mid-stream"));

        using var response = await PostAsync(gateway, account, "/v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"content\":\"Hello!\"", body, StringComparison.Ordinal);
        var log = await ConsumeLogAsync(gateway, account);
        // Delivered: "" + "Hello!" + " How" → 3 tokens, not the 7 the full answer would have cost.
        Assert.Equal(3, log.CompletionTokens);
    }
}
