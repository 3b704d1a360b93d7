using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// A provider stand-in on a loopback port. Channel base URLs are <c>{Root}/{caseId}/{scenario}</c>; every call is
/// recorded under its case id with its raw target, headers and body, so tests can check exactly what was sent.
/// </summary>
public abstract class FakeUpstreamHost : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<UpstreamCall>> _calls = new();
    private WebApplication? _app;

    public string Root { get; private set; } = "";

    public string BaseUrl(string caseId, string scenario) => $"{Root}/{caseId}/{scenario}";

    public IReadOnlyList<UpstreamCall> Calls(string caseId) => _calls.TryGetValue(caseId, out var queue) ? queue.ToArray() : [];

    protected static async Task<T> StartAsync<T>(T host) where T : FakeUpstreamHost
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets(); // for providers that answer over a WebSocket (Xunfei Spark)
        app.Map("/{caseId}/{scenario}/{**path}", async (HttpContext context, string caseId, string scenario, string? path) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var call = new UpstreamCall(context.Request.Method, context.Features.Get<IHttpRequestFeature>()!.RawTarget,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                buffer.ToArray(), "/" + path);
            host._calls.GetOrAdd(caseId, _ => new ConcurrentQueue<UpstreamCall>()).Enqueue(call);
            await host.HandleAsync(context, caseId, scenario, call);
        });
        await app.StartAsync();
        host._app = app;
        host.Root = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return host;
    }

    protected abstract Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call);

    protected static async Task WriteJsonAsync(HttpResponse response, int status, string json)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Writes SSE events (named when a name is given) and flushes each.</summary>
    protected static async Task WriteSseAsync(HttpResponse response, IEnumerable<(string? Event, string Data)> events)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        foreach (var (name, data) in events)
        {
            var text = name is null ? $"data: {data}\n\n" : $"event: {name}\ndata: {data}\n\n";
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text));
            await response.Body.FlushAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>One request a fake upstream received.</summary>
public sealed record UpstreamCall(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body, string Path)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public System.Text.Json.Nodes.JsonObject Json => System.Text.Json.Nodes.JsonNode.Parse(Body)!.AsObject();

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
