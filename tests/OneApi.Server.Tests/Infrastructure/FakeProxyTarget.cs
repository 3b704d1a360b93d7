using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Any HTTP API behind <c>/v1/oneapi/proxy</c>: answers every call with the scenario's status (<c>status-N</c>, else
/// 200), a header of its own and a body that is not OpenAI's, so a test sees that both come back untouched.
/// </summary>
public sealed class FakeProxyTarget : FakeUpstreamHost
{
    public const string Body = "{\"vendor\":\"answer\",\"list\":[1,2,3]}";

    public static Task<FakeProxyTarget> StartAsync() => StartAsync(new FakeProxyTarget());

    protected override Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        context.Response.Headers["X-Vendor-Trace"] = "trace-" + caseId;
        var status = scenario.StartsWith("status-", StringComparison.Ordinal)
            ? int.Parse(scenario["status-".Length..], System.Globalization.CultureInfo.InvariantCulture)
            : 200;
        return WriteJsonAsync(context.Response, status, Body);
    }
}
