using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Tencent Hunyuan's ChatCompletions (https://cloud.tencent.com/document/api/1729/105701) and GetEmbedding on loopback:
/// a TC3 call signed with the SecretId <c>AKID-{caseId}</c> gets a whole answer, SSE when <c>Stream</c> is true, or one
/// vector per <c>InputList</c> item for <c>GetEmbedding</c>; any other gets Tencent's <c>AuthFailure.SignatureFailure</c>
/// in a 200, as Tencent answers.
/// </summary>
public sealed class FakeTencentUpstream : FakeUpstreamHost
{
    public const int PromptTokens = 20;
    public const int CompletionTokens = 8;
    public const int EmbeddingTokens = 12;

    private static readonly string Usage = $$"""{"PromptTokens":{{PromptTokens}},"CompletionTokens":{{CompletionTokens}},"TotalTokens":{{PromptTokens + CompletionTokens}}}""";
    private static readonly string EmbeddingUsage = $$"""{"PromptTokens":{{EmbeddingTokens}},"TotalTokens":{{EmbeddingTokens}}}""";

    public static Task<FakeTencentUpstream> StartAsync() => StartAsync(new FakeTencentUpstream());

    public static string Key(string caseId) => $"1250000000|AKID-{caseId}|secret-{caseId}";

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        var action = call.Header("X-TC-Action");
        if (action is not ("ChatCompletions" or "GetEmbedding") || call.Header("Authorization")?.StartsWith(
                $"TC3-HMAC-SHA256 Credential=AKID-{caseId}/", StringComparison.Ordinal) != true)
        {
            await WriteJsonAsync(context.Response, 200,
                """{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated."},"RequestId":"r-1"}}""");
            return;
        }
        if (action == "GetEmbedding")
        {
            var vectors = string.Join(',', call.Json["InputList"]!.AsArray().Select((_, i) => $$"""{"Embedding":[0.25,-0.5],"Index":{{i}},"Object":"embedding"}"""));
            await WriteJsonAsync(context.Response, 200, $$$"""
                {"Response":{"RequestId":"r-1","Data":[{{{vectors}}}],"Usage":{{{EmbeddingUsage}}}}}
                """);
            return;
        }
        if ((bool?)call.Json["Stream"] != true)
        {
            await WriteJsonAsync(context.Response, 200, $$$"""
                {"Response":{"RequestId":"r-1","Id":"r-1","Created":1715145428,"Choices":[{"FinishReason":"stop","Message":{"Role":"assistant","Content":"Hello from Hunyuan!"}}],"Usage":{{{Usage}}}}}
                """);
            return;
        }
        await WriteSseAsync(context.Response,
        [
            (null, """{"Id":"r-1","Created":1715145428,"Choices":[{"Delta":{"Role":"assistant","Content":"Hello from "},"FinishReason":""}],"Usage":{"PromptTokens":20,"CompletionTokens":3,"TotalTokens":23}}"""),
            (null, $$$"""{"Id":"r-1","Created":1715145428,"Choices":[{"Delta":{"Role":"assistant","Content":"Hunyuan!"},"FinishReason":"stop"}],"Usage":{{{Usage}}}}"""),
        ]);
    }
}
