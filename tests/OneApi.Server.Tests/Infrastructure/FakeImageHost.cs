using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Images on loopback, standing for a picture host or, unlisted, for an inner service a client must not reach.
/// Routes, under a case id: <c>png</c> (a small PNG), <c>big/{mb}</c> (a PNG of that size, with Content-Length, or
/// chunked with <c>?chunked=1</c>; written at a measured pace), <c>redirect?to=URL</c>. It counts the requests and the
/// body bytes it wrote per case.
/// </summary>
public sealed class FakeImageHost : IAsyncDisposable
{
    public static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];

    private readonly ConcurrentDictionary<string, int> _hits = new();
    private readonly ConcurrentDictionary<string, long> _served = new();
    private WebApplication _app = null!;

    public string Root { get; private set; } = "";

    public int Port => new Uri(Root).Port;

    public int Hits(string caseId) => _hits.GetValueOrDefault(caseId);

    public long BytesServed(string caseId) => _served.GetValueOrDefault(caseId);

    public static async Task<FakeImageHost> StartAsync()
    {
        var host = new FakeImageHost();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/{caseId}/png", (string caseId) =>
        {
            host._hits.AddOrUpdate(caseId, 1, (_, n) => n + 1);
            return Results.Bytes(Png, "image/png");
        });
        app.MapGet("/{caseId}/redirect", (string caseId, string to) =>
        {
            host._hits.AddOrUpdate(caseId, 1, (_, n) => n + 1);
            return Results.Redirect(to);
        });
        app.MapGet("/{caseId}/big/{mb:int}", host.ServeBigAsync);
        await app.StartAsync();
        host._app = app;
        host.Root = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return host;
    }

    public string Url(string caseId, string route) => $"{Root}/{caseId}/{route}";

    private async Task ServeBigAsync(HttpContext context, string caseId, int mb)
    {
        _hits.AddOrUpdate(caseId, 1, (_, n) => n + 1);
        var size = mb * 1024L * 1024L;
        context.Response.ContentType = "image/png";
        if (context.Request.Query["chunked"] != "1")
        {
            context.Response.ContentLength = size;
        }
        var chunk = new byte[64 * 1024];
        Png.CopyTo(chunk, 0);
        try
        {
            for (long sent = 0; sent < size; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                _served.AddOrUpdate(caseId, chunk.Length, (_, n) => n + chunk.Length);
                chunk[0] = 0; // only the first chunk starts with the PNG signature
                // Paced, so what the count shows is what the reader took, not what loopback's socket buffers (MBs) held.
                await Task.Delay(1, context.RequestAborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // the gateway stopped reading: what was served so far is the figure the tests look at
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
