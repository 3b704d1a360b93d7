using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// songquanpeng/wechat-server's <c>/api/wechat/user</c> on loopback: with the right token in <c>Authorization</c>,
/// the code <c>wx-ID</c> belongs to WeChat user ID, <c>expired</c> to nobody, and any other code is refused.
/// </summary>
public sealed class FakeWeChatServer : IAsyncDisposable
{
    public const string Token = "fake-wechat-token";

    private readonly LoopbackServer _server;

    private FakeWeChatServer(LoopbackServer server) => _server = server;

    public string BaseUrl => _server.BaseUrl;

    public static async Task<FakeWeChatServer> StartAsync() => new(await LoopbackServer.StartAsync(app =>
        app.MapGet("/api/wechat/user", (string? code, HttpContext context) =>
            context.Request.Headers.Authorization.ToString() != Token ? Results.Json(new { success = false, message = "no permission" })
            : code == "expired" ? Results.Json(new { success = true, message = "", data = "" })
            : code is not null && code.StartsWith("wx-", StringComparison.Ordinal) ? Results.Json(new { success = true, message = "", data = code[3..] })
            : Results.Json(new { success = false, message = "invalid code" }))));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
