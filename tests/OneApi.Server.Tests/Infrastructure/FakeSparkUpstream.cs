using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Xunfei Spark's WebSocket chat on loopback (https://www.xfyun.cn/doc/spark/Web.html). The handshake needs the
/// signed query (<c>authorization</c>, <c>date</c>, <c>host</c>) with the API key <c>key-{caseId}</c>, else it is
/// refused with 401. Then it reads the request frame and answers by scenario: <c>chat</c> (three frames, usage on
/// the last), <c>error</c> (a frame with code 10013) or <c>cut</c> (one frame, then the connection is dropped).
/// </summary>
public sealed class FakeSparkUpstream : FakeUpstreamHost
{
    public const int PromptTokens = 20;
    public const int CompletionTokens = 8;

    private readonly ConcurrentDictionary<string, JsonObject> _frames = new();

    public static Task<FakeSparkUpstream> StartAsync() => StartAsync(new FakeSparkUpstream());

    public static string Key(string caseId) => $"app-{caseId}|secret-{caseId}|key-{caseId}";

    /// <summary>The request frame the case's socket received.</summary>
    public JsonObject Frame(string caseId) => _frames[caseId];

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        var query = context.Request.Query;
        var authorization = Encoding.UTF8.GetString(Convert.FromBase64String(query["authorization"].ToString()));
        if (!context.WebSockets.IsWebSocketRequest || query["date"].Count == 0 || query["host"] != context.Request.Host.Value ||
            !authorization.StartsWith($"api_key=\"key-{caseId}\", algorithm=\"hmac-sha256\"", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context.Response, 401, """{"message":"HMAC signature cannot be verified"}""");
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[64 * 1024];
        var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
        _frames[caseId] = JsonNode.Parse(buffer.AsSpan(0, received.Count))!.AsObject();
        const string sid = "cht000cb087@dx18793cd421fb894542";
        string[] frames = scenario switch
        {
            "error" => [$$$"""{"header":{"code":10013,"message":"The input content is sensitive","sid":"{{{sid}}}","status":2}}"""],
            "cut" => [Frame(sid, 0, "Hello ")],
            _ =>
            [
                Frame(sid, 0, "Hello "), Frame(sid, 1, "from "),
                Frame(sid, 2, "Spark!", $$$""","usage":{"text":{"question_tokens":{{{PromptTokens}}},"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{CompletionTokens}}},"total_tokens":{{{PromptTokens + CompletionTokens}}}}}"""),
            ],
        };
        foreach (var frame in frames)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
        }
        if (scenario == "cut")
        {
            return; // the connection ends without Spark's last frame or a close message
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
    }

    private static string Frame(string sid, int status, string content, string usage = "") =>
        $$$"""{"header":{"code":0,"message":"Success","sid":"{{{sid}}}","status":{{{status}}}},"payload":{"choices":{"status":{{{status}}},"seq":{{{status}}},"text":[{"content":"{{{content}}}","role":"assistant","index":0}]}{{{usage}}}}}""";
}
