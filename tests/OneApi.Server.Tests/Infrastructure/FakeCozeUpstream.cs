using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Coze's v3 chat on loopback (https://www.coze.com/docs/developer_guides/chat_v3): with the token
/// <c>pat-{caseId}</c> it streams the bot's answer as named SSE events ending in <c>conversation.chat.completed</c>
/// with usage; the scenario <c>error</c> sends an <c>error</c> event instead; any other token gets 401
/// <c>{"code":4100,…}</c>.
/// </summary>
public sealed class FakeCozeUpstream : FakeUpstreamHost
{
    public const int InputTokens = 20;
    public const int OutputTokens = 8;

    public static Task<FakeCozeUpstream> StartAsync() => StartAsync(new FakeCozeUpstream());

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        if (call.Header("Authorization") != "Bearer pat-" + caseId)
        {
            await WriteJsonAsync(context.Response, 401, """{"code":4100,"msg":"authentication is invalid"}""");
            return;
        }
        const string ids = "\"conversation_id\":\"c1\",\"bot_id\":\"7379462189365198898\"";
        if (scenario == "error")
        {
            await WriteSseAsync(context.Response, [("conversation.chat.created", $$"""{"id":"chat1",{{ids}},"status":"created"}"""),
                ("error", """{"code":4000,"msg":"Request parameter error"}""")]);
            return;
        }
        await WriteSseAsync(context.Response,
        [
            ("conversation.chat.created", $$"""{"id":"chat1",{{ids}},"status":"created"}"""),
            ("conversation.message.delta", $$"""{"id":"m1",{{ids}},"role":"assistant","type":"answer","content":"Hello from ","content_type":"text","chat_id":"chat1"}"""),
            ("conversation.message.delta", $$"""{"id":"m1",{{ids}},"role":"assistant","type":"answer","content":"Coze!","content_type":"text","chat_id":"chat1"}"""),
            ("conversation.message.completed", $$"""{"id":"m1",{{ids}},"role":"assistant","type":"answer","content":"Hello from Coze!","content_type":"text","chat_id":"chat1"}"""),
            ("conversation.chat.completed", $$$"""{"id":"chat1",{{{ids}}},"status":"completed","usage":{"token_count":{{{InputTokens + OutputTokens}}},"output_count":{{{OutputTokens}}},"input_count":{{{InputTokens}}}}}"""),
            ("done", "\"[DONE]\""),
        ]);
    }
}
