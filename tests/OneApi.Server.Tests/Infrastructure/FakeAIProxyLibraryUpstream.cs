using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// AI Proxy's library ask API on loopback (https://docs.aiproxy.io/dev/library): with the key
/// <c>sk-upstream-{caseId}</c> a whole answer with a cited document, or SSE when <c>stream</c> is true; any other
/// key gets 401 <c>{"errCode":401,"message":"invalid api key"}</c>.
/// </summary>
public sealed class FakeAIProxyLibraryUpstream : FakeUpstreamHost
{
    public static Task<FakeAIProxyLibraryUpstream> StartAsync() => StartAsync(new FakeAIProxyLibraryUpstream());

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        if (call.Header("Authorization") != "Bearer sk-upstream-" + caseId)
        {
            await WriteJsonAsync(context.Response, 401, """{"success":false,"errCode":401,"message":"invalid api key"}""");
            return;
        }
        const string document = """[{"title":"Guide","url":"https://docs.example.com/guide"}]""";
        if ((bool?)call.Json["stream"] != true)
        {
            await WriteJsonAsync(context.Response, 200, $$"""{"success":true,"answer":"Hello from the library!","documents":{{document}},"errCode":0,"message":""}""");
            return;
        }
        await WriteSseAsync(context.Response,
        [
            (null, """{"content":"Hello from ","finish":false,"model":"gpt-3.5-turbo","documents":[]}"""),
            (null, $$"""{"content":"the library!","finish":true,"model":"gpt-3.5-turbo","documents":{{document}}}"""),
        ]);
    }
}
