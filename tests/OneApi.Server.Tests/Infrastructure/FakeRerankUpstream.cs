using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Rerank on loopback: Cohere's v2 (<c>/v2/rerank</c>, billed in <c>meta.billed_units.search_units</c>,
/// https://docs.cohere.com/reference/rerank) and Jina's (<c>/v1/rerank</c>, <c>usage.total_tokens</c>,
/// https://jina.ai/reranker). Scenarios: <c>ok</c>, <c>no-usage</c>, <c>status-N</c> (an error of that status in
/// the provider's shape), <c>malformed</c> (200 with a body that is not JSON).
/// </summary>
public sealed class FakeRerankUpstream : FakeUpstreamHost
{
    public const int SearchUnits = 2;
    public const int JinaTokens = 815;

    public static Task<FakeRerankUpstream> StartAsync() => StartAsync(new FakeRerankUpstream());

    protected override Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        var cohere = call.Path == "/v2/rerank";
        if (scenario.StartsWith("status-", StringComparison.Ordinal))
        {
            var status = int.Parse(scenario["status-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            return WriteJsonAsync(context.Response, status, cohere
                ? """{"id":"e1","message":"invalid request: too many documents"}"""
                : """{"detail":"upstream broke"}""");
        }
        if (scenario == "malformed")
        {
            return WriteJsonAsync(context.Response, 200, "<html>oops</html>");
        }
        var usage = scenario == "no-usage" ? "" : cohere
            ? $$$""","meta":{"api_version":{"version":"2"},"billed_units":{"search_units":{{{SearchUnits}}}}}"""
            : $$$""","usage":{"total_tokens":{{{JinaTokens}}}}""";
        return WriteJsonAsync(context.Response, 200, cohere
            ? $$$"""{"id":"rr-1","results":[{"index":1,"relevance_score":0.98},{"index":0,"relevance_score":0.12}]{{{usage}}}}"""
            : $$$"""{"model":"jina-reranker-v2-base-multilingual","results":[{"index":1,"document":{"text":"b"},"relevance_score":0.9}]{{{usage}}}}""");
    }
}
