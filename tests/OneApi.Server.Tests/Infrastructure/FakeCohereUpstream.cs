using System.Text;
using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Cohere's v1 chat on loopback (https://docs.cohere.com/v1/reference/chat): a whole answer, or JSON lines when
/// <c>stream</c> is true; a key other than <c>sk-upstream-{caseId}</c> gets 401 <c>{"message":"invalid api token"}</c>.
/// </summary>
public sealed class FakeCohereUpstream : FakeUpstreamHost
{
    public const int InputTokens = 40;
    public const int OutputTokens = 6;

    private static readonly string Meta = $$$"""{"tokens":{"input_tokens":{{{InputTokens}}},"output_tokens":{{{OutputTokens}}}}}""";

    public static Task<FakeCohereUpstream> StartAsync() => StartAsync(new FakeCohereUpstream());

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        if (call.Header("Authorization") != "Bearer sk-upstream-" + caseId)
        {
            await WriteJsonAsync(context.Response, 401, """{"message":"invalid api token"}""");
            return;
        }
        if ((bool?)call.Json["stream"] != true)
        {
            await WriteJsonAsync(context.Response, 200, $$"""{"response_id":"r1","generation_id":"g1","text":"Hello from Cohere!","finish_reason":"COMPLETE","meta":{{Meta}}}""");
            return;
        }
        context.Response.ContentType = "application/stream+json";
        string[] lines =
        [
            """{"is_finished":false,"event_type":"stream-start","generation_id":"g1"}""",
            """{"is_finished":false,"event_type":"text-generation","text":"Hello from "}""",
            """{"is_finished":false,"event_type":"text-generation","text":"Cohere!"}""",
            $$$"""{"is_finished":true,"event_type":"stream-end","finish_reason":"COMPLETE","response":{"response_id":"r1","text":"Hello from Cohere!","meta":{{{Meta}}}}}""",
        ];
        foreach (var line in lines)
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
            await context.Response.Body.FlushAsync();
        }
    }
}
