using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Observability;

public sealed partial class MetricsTests(MetricsTests.Pool pool) : IClassFixture<MetricsTests.Pool>
{
    private const string MetricsToken = "metrics-scrape-token";

    public sealed class Pool : GatewayPool
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["ENABLE_PROMETHEUS_METRICS"] = "true",
            ["METRICS_TOKEN"] = MetricsToken,
        };
    }

    [Fact]
    public async Task Scrape_WithoutTheToken_IsRefused()
    {
        var gateway = await pool.GetAsync("sqlite");

        using var response = await gateway.Http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RelayedCalls_MoveRequestUpstreamTokenQuotaAndErrorCounters_ByTheirAmounts()
    {
        var gateway = await pool.GetAsync("sqlite");
        // a model of its own, so that calls of tests running beside this one do not move its series
        var model = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, model, pool.Upstream.BaseUrl(account.Group, "ok"));
        var failing = await gateway.CreateAccountAsync();
        var failingModel = model + "-failing";
        await gateway.CreateChannelAsync(failing.Group, failingModel, pool.Upstream.BaseUrl(failing.Group, "error500"));
        var before = Parse(await ScrapeAsync(gateway));

        for (var i = 0; i < 3; i++)
        {
            using var ok = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest(model: model));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using (var streamed = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest(stream: true, model: model)))
        {
            Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        }
        using (var refused = await gateway.RelayAsync("Bearer " + failing.Key, TestGateway.ChatRequest(model: failingModel)))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        }
        var after = Parse(await ScrapeAsync(gateway));

        await using var db = await gateway.DbAsync();
        var logs = await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).ToListAsync();
        Assert.Equal(4, logs.Count);
        Assert.Equal(logs.Sum(l => (double)l.PromptTokens), Delta(before, after, "oneapi_tokens_total", $"model=\"{model}\"", "type=\"prompt\""));
        Assert.Equal(logs.Sum(l => (double)l.CompletionTokens), Delta(before, after, "oneapi_tokens_total", $"model=\"{model}\"", "type=\"completion\""));
        Assert.Equal(logs.Sum(l => (double)l.Quota), Delta(before, after, "oneapi_quota_total", $"model=\"{model}\""));
        Assert.Equal(4, Delta(before, after, "oneapi_upstream_duration_seconds_count", $"model=\"{model}\"", "outcome=\"ok\""));
        Assert.Equal(0, Delta(before, after, "oneapi_upstream_errors_total", $"model=\"{model}\""));
        Assert.Equal(1, Delta(before, after, "oneapi_upstream_errors_total", $"model=\"{failingModel}\"", "status=\"500\""));
        // other gateways in this test process relay chats too: at least ours
        Assert.True(Delta(before, after, "oneapi_request_duration_seconds_count", "route=\"/v1/chat/completions\"", "method=\"POST\"") >= 5);
        Assert.Contains(after.Keys, series => series.StartsWith("oneapi_streams_active", StringComparison.Ordinal));
        Assert.Equal(1, Sum(after, "oneapi_channel_status", $"channel_name=\"ch-{account.Group}\"", "status=\"enabled\""));
    }

    private static async Task<string> ScrapeAsync(TestGateway gateway)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MetricsToken);
        using var response = await gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Prometheus text format: series (name and labels) → value.</summary>
    private static Dictionary<string, double> Parse(string exposition) =>
        SampleLine().Matches(exposition).ToDictionary(
            m => m.Groups["series"].Value,
            m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    private static double Sum(Dictionary<string, double> samples, string name, params string[] labels) =>
        samples.Where(s => (s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal))
                           && labels.All(l => s.Key.Contains(l, StringComparison.Ordinal)))
            .Sum(s => s.Value);

    private static double Delta(Dictionary<string, double> before, Dictionary<string, double> after, string name, params string[] labels) =>
        Sum(after, name, labels) - Sum(before, name, labels);

    [GeneratedRegex(@"^(?<series>[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})?) (?<value>[-+0-9.eE]+|NaN|[+-]Inf)( \d+)?$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
