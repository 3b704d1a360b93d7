using System.Diagnostics;
using OneApi.Relay.Abstractions;
using OneApi.Server.Relay;

namespace OneApi.Server.Observability;

/// <summary>
/// Spans, on the activity source <see cref="SourceName"/>: one <c>relay</c> span per relay request and a child
/// <c>upstream</c> span per upstream attempt. Attributes name the request id, channel, model, upstream host and
/// statuses; never a key, a URL's query or a body, which may hold secrets.
/// </summary>
public static class GatewayTracing
{
    public const string SourceName = "OneApi.Server";
    public const string RequestIdAttribute = "oneapi.request_id";

    private static readonly ActivitySource Source = new(SourceName, Hosting.CommandLine.Version);

    /// <summary>Middleware: a <c>relay</c> span around each <c>/v1</c> request, after its request id is assigned.</summary>
    public static IApplicationBuilder UseRelaySpans(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!Relay.RelayPaths.Contains(context.Request.Path) || !Source.HasListeners())
        {
            await next(context);
            return;
        }
        using var span = Source.StartActivity("relay", ActivityKind.Server);
        span?.SetTag(RequestIdAttribute, context.RequestId());
        span?.SetTag("http.request.method", context.Request.Method);
        span?.SetTag("url.path", context.Request.Path.Value);
        await next(context);
        span?.SetTag("http.response.status_code", context.Response.StatusCode);
        if (context.Response.StatusCode >= 500)
        {
            span?.SetStatus(ActivityStatusCode.Error);
        }
    });

    /// <summary>A child span for one upstream call; the request id is taken from the relay span around it.</summary>
    public static Activity? StartUpstream(UpstreamTarget target, HttpRequestMessage request)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var span = Source.StartActivity("upstream", ActivityKind.Client);
        if (span is null)
        {
            return null;
        }
        span.SetTag(RequestIdAttribute, span.Parent?.GetTagItem(RequestIdAttribute));
        span.SetTag("oneapi.channel_id", target.ChannelId);
        span.SetTag("oneapi.model", target.Model);
        span.SetTag("http.request.method", request.Method.Method);
        span.SetTag("server.address", request.RequestUri?.Host);
        return span;
    }

    public static void EndUpstream(Activity? span, HttpResponseMessage? response, RelayError? error)
    {
        if (span is null)
        {
            return;
        }
        if (response is not null)
        {
            span.SetTag("http.response.status_code", (int)response.StatusCode);
        }
        if (error is not null)
        {
            span.SetTag("error.type", error.Kind.ToString());
        }
        if (error is not null || response is { IsSuccessStatusCode: false })
        {
            span.SetStatus(ActivityStatusCode.Error);
        }
    }
}
