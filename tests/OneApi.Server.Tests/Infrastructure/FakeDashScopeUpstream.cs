using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Alibaba DashScope's native API on loopback: text generation (SSE when <c>X-DashScope-SSE</c> asks), text
/// embeddings, and wanx image jobs that are <c>PENDING</c> when submitted and <c>SUCCEEDED</c> when first asked after
/// (scenario <c>failing</c>: <c>FAILED</c>; <c>local</c>: the picture's URL is this host's <c>/picture.png</c>; <c>lost</c>: a
/// URL on this host with no picture behind it).
/// A key other than <c>sk-upstream-{caseId}</c> gets 401 <c>InvalidApiKey</c>.
/// </summary>
public sealed class FakeDashScopeUpstream : FakeUpstreamHost
{
    public const int InputTokens = 25;
    public const int OutputTokens = 5;
    public const string ImageUrl = "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/penguin.png";

    private static readonly string Usage = $$"""{"input_tokens":{{InputTokens}},"output_tokens":{{OutputTokens}},"total_tokens":{{InputTokens + OutputTokens}}}""";

    public static Task<FakeDashScopeUpstream> StartAsync() => StartAsync(new FakeDashScopeUpstream());

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        if (call.Path == "/picture.png")
        {
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(FakeImageHost.Png);
            return;
        }
        if (call.Header("Authorization") != "Bearer sk-upstream-" + caseId)
        {
            await WriteJsonAsync(context.Response, 401, """{"code":"InvalidApiKey","message":"Invalid API-key provided.","request_id":"r0"}""");
            return;
        }
        switch (call.Path)
        {
            case "/api/v1/services/aigc/text2image/image-synthesis" when call.Header("X-DashScope-Async") == "enable":
                await WriteJsonAsync(context.Response, 200, """{"output":{"task_status":"PENDING","task_id":"task-1"},"request_id":"r1"}""");
                break;
            case "/api/v1/tasks/task-1" when scenario == "failing":
                await WriteJsonAsync(context.Response, 200, """
                    {"request_id":"r2","output":{"task_id":"task-1","task_status":"FAILED","code":"DataInspectionFailed","message":"Input data may contain inappropriate content."}}
                    """);
                break;
            case "/api/v1/tasks/task-1":
                var url = scenario switch
                {
                    "local" => BaseUrl(caseId, scenario) + "/picture.png",
                    "lost" => BaseUrl(caseId, scenario) + "/gone.png",
                    _ => ImageUrl,
                };
                await WriteJsonAsync(context.Response, 200, $$$"""
                    {"request_id":"r2","output":{"task_id":"task-1","task_status":"SUCCEEDED","results":[{"url":"{{{url}}}"}],"task_metrics":{"TOTAL":1,"SUCCEEDED":1,"FAILED":0}},"usage":{"image_count":1}}
                    """);
                break;
            case "/api/v1/services/embeddings/text-embedding/text-embedding":
                await WriteJsonAsync(context.Response, 200, $$"""
                    {"output":{"embeddings":[{"text_index":0,"embedding":[0.25,-0.5]}]},"usage":{"total_tokens":{{InputTokens}}},"request_id":"r3"}
                    """);
                break;
            case "/api/v1/services/aigc/text-generation/generation" when call.Header("X-DashScope-SSE") == "enable":
                await WriteSseAsync(context.Response,
                [
                    ("result", """{"output":{"choices":[{"message":{"content":"Hello from ","role":"assistant"},"finish_reason":"null"}]},"usage":{"input_tokens":25,"output_tokens":3,"total_tokens":28},"request_id":"r4"}"""),
                    ("result", $$"""{"output":{"choices":[{"message":{"content":"Qwen!","role":"assistant"},"finish_reason":"stop"}]},"usage":{{Usage}},"request_id":"r4"}"""),
                ]);
                break;
            case "/api/v1/services/aigc/text-generation/generation":
                await WriteJsonAsync(context.Response, 200, $$$"""
                    {"output":{"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":"Hello from Qwen!"}}]},"usage":{{{Usage}}},"request_id":"r5"}
                    """);
                break;
            default:
                await WriteJsonAsync(context.Response, 404, """{"code":"NotFound","message":"no such path"}""");
                break;
        }
    }
}
