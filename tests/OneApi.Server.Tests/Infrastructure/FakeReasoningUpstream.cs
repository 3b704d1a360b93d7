using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// An OpenAI-compatible reasoning model on loopback (DeepSeek's <c>reasoning_content</c>, OpenRouter's <c>reasoning</c>,
/// or any other field): the scenario names the field the reasoning comes in. Streams follow DeepSeek's documented
/// shape (https://api-docs.deepseek.com/guides/reasoning_model): reasoning deltas, then content deltas, then usage.
/// </summary>
public sealed class FakeReasoningUpstream : FakeUpstreamHost
{
    public const string ReasoningText = "2 plus 2 is 4.";
    public const string ReplyText = "4";

    public static Task<FakeReasoningUpstream> StartAsync() => StartAsync(new FakeReasoningUpstream());

    protected override async Task HandleAsync(HttpContext context, string caseId, string field, UpstreamCall call)
    {
        if (call.Header("Authorization") != "Bearer sk-upstream-" + caseId)
        {
            await WriteJsonAsync(context.Response, 401, """{"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}}""");
            return;
        }
        const string usage = "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":12,\"total_tokens\":22}";
        var model = (string?)call.Json["model"];
        if (call.Json["stream"] is System.Text.Json.Nodes.JsonValue stream && (bool)stream)
        {
            string Chunk(string delta, string finish) =>
                $$"""{"id":"fake-1","object":"chat.completion.chunk","created":1737000000,"model":"{{model}}","choices":[{"index":0,"delta":{{{delta}}},"finish_reason":{{finish}}}]}""";
            await WriteSseAsync(context.Response,
            [
                (null, Chunk("\"role\":\"assistant\",\"content\":null", "null")),
                (null, Chunk($"\"{field}\":\"2 plus 2\",\"content\":null", "null")),
                (null, Chunk($"\"{field}\":\" is 4.\",\"content\":null", "null")),
                (null, Chunk($"\"content\":\"{ReplyText}\",\"{field}\":null", "null")),
                (null, Chunk("", "\"stop\"")),
                (null, $$"""{"id":"fake-1","object":"chat.completion.chunk","created":1737000000,"model":"{{model}}","choices":[],{{usage}}}"""),
                (null, "[DONE]"),
            ]);
            return;
        }
        await WriteJsonAsync(context.Response, 200,
            $$"""{"id":"fake-1","object":"chat.completion","created":1737000000,"model":"{{model}}","choices":[{"index":0,"message":{"role":"assistant","content":"{{ReplyText}}","{{field}}":"{{ReasoningText}}"},"finish_reason":"stop"}],{{usage}}}""");
    }
}
