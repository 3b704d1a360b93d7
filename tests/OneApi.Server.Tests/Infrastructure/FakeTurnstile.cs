using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Cloudflare Turnstile's siteverify on loopback: with the right secret, a token starting <c>pass-</c> succeeds once
/// (real tokens are single-use); anything else fails with Cloudflare's error codes. Records each remoteip.
/// </summary>
public sealed class FakeTurnstile : IAsyncDisposable
{
    public const string Secret = "fake-turnstile-secret";

    private readonly LoopbackServer _server;
    private readonly ConcurrentDictionary<string, bool> _spent;

    private FakeTurnstile(LoopbackServer server, ConcurrentDictionary<string, bool> spent, ConcurrentQueue<string> remoteIps)
    {
        _server = server;
        _spent = spent;
        RemoteIps = remoteIps;
    }

    public string VerifyUrl => _server.BaseUrl + "/turnstile/v0/siteverify";

    public ConcurrentQueue<string> RemoteIps { get; }

    public int Verified => _spent.Count;

    public static async Task<FakeTurnstile> StartAsync()
    {
        var spent = new ConcurrentDictionary<string, bool>();
        var remoteIps = new ConcurrentQueue<string>();
        var server = await LoopbackServer.StartAsync(app => app.MapPost("/turnstile/v0/siteverify", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            remoteIps.Enqueue(form["remoteip"].ToString());
            var token = form["response"].ToString();
            return form["secret"] == Secret && token.StartsWith("pass-", StringComparison.Ordinal) && spent.TryAdd(token, true)
                ? Results.Json(new Dictionary<string, object> { ["success"] = true, ["error-codes"] = Array.Empty<string>(), ["hostname"] = "console.test" })
                : Results.Json(new Dictionary<string, object> { ["success"] = false, ["error-codes"] = new[] { "invalid-input-response" } });
        }));
        return new FakeTurnstile(server, spent, remoteIps);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
