using System.Net;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Observability;

public sealed class TracingTests
{
    [Fact]
    public async Task FailedOverRequest_SendsARelaySpan_WithAnUpstreamSpanPerAttempt_AndNoSecrets()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var upstream = await FakeOpenAIUpstream.StartAsync();
        var gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        string requestId;
        TestAccount account;
        await using (gateway)
        {
            account = await gateway.CreateAccountAsync();
            await gateway.SetOptionAsync("RetryTimes", "1");
            await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", upstream.BaseUrl(account.Group, "error500"), extra: new { priority = 10 });
            await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", upstream.BaseUrl(account.Group, "ok"));

            using var response = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            requestId = response.Headers.GetValues("X-Oneapi-Request-Id").Single();
        }

        var spans = await receiver.WaitForAsync(s => s.Name == "upstream" && s.Attributes.GetValueOrDefault("oneapi.request_id") == requestId, TimeSpan.FromSeconds(10));
        var relay = Assert.Single(spans, s => s.Name == "relay" && s.Attributes.GetValueOrDefault("oneapi.request_id") == requestId);
        var attempts = spans.Where(s => s.Name == "upstream" && s.ParentSpanId == relay.SpanId).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal((relay.TraceId, requestId), (a.TraceId, a.Attributes["oneapi.request_id"])));
        Assert.Equal(["200", "500"], attempts.Select(a => a.Attributes["http.response.status_code"]).Order());
        Assert.Equal("200", relay.Attributes["http.response.status_code"]);
        var secrets = new[] { account.Key[3..], "sk-upstream-" + account.Group, TestGateway.RootAccessToken };
        Assert.DoesNotContain(spans.SelectMany(s => s.Attributes.Values), value => secrets.Any(secret => value.Contains(secret, StringComparison.Ordinal)));
    }
}
