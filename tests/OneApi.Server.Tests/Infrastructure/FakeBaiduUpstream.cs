using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Baidu's ERNIE API on loopback. <c>/oauth/2.0/token</c> hands <c>ak-{caseId}|sk-{caseId}</c> the token
/// <c>24.{caseId}.{n}</c> (n counting the case's exchanges), and refuses other keys as an unknown client. The
/// wenxinworkshop paths answer as Baidu does, refusals with status 200: scenario <c>expired</c> calls the first
/// token expired, <c>revoked</c> every token, <c>qps</c> refuses every call as over the rate limit.
/// </summary>
public sealed class FakeBaiduUpstream : FakeUpstreamHost
{
    public const int PromptTokens = 13;
    public const int TotalTokens = 20;

    private static readonly string Usage = $$"""{"prompt_tokens":{{PromptTokens}},"completion_tokens":{{TotalTokens - PromptTokens}},"total_tokens":{{TotalTokens}}}""";

    public static Task<FakeBaiduUpstream> StartAsync() => StartAsync(new FakeBaiduUpstream());

    public int Exchanges(string caseId) => Calls(caseId).Count(c => c.Path == "/oauth/2.0/token");

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        var query = context.Request.Query;
        if (call.Path == "/oauth/2.0/token")
        {
            var known = query["grant_type"] == "client_credentials" && query["client_id"] == "ak-" + caseId && query["client_secret"] == "sk-" + caseId;
            await WriteJsonAsync(context.Response, known ? 200 : 401, known
                ? $$"""{"refresh_token":"25.r","expires_in":2592000,"session_key":"s","access_token":"24.{{caseId}}.{{Exchanges(caseId)}}","scope":"public"}"""
                : """{"error":"invalid_client","error_description":"unknown client id"}""");
            return;
        }
        var token = query["access_token"].ToString();
        string? refusal = scenario switch
        {
            _ when !token.StartsWith($"24.{caseId}.", StringComparison.Ordinal) => """{"error_code":110,"error_msg":"Access token invalid or no longer valid"}""",
            "expired" when token == $"24.{caseId}.1" => """{"error_code":111,"error_msg":"Access token expired"}""",
            "revoked" => """{"error_code":111,"error_msg":"Access token expired"}""",
            "qps" => """{"error_code":18,"error_msg":"Open api qps request limit reached"}""",
            _ => null,
        };
        if (refusal is not null)
        {
            await WriteJsonAsync(context.Response, 200, refusal);
            return;
        }
        if (call.Path.StartsWith("/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context.Response, 200, $$$"""
                {"id":"as-e1","object":"embedding_list","created":1700000000,"data":[{"object":"embedding","embedding":[0.25,-0.5],"index":0}],"usage":{"prompt_tokens":{{{PromptTokens}}},"total_tokens":{{{PromptTokens}}}}}
                """);
            return;
        }
        if ((bool?)call.Json["stream"] != true)
        {
            await WriteJsonAsync(context.Response, 200, $$"""
                {"id":"as-1","object":"chat.completion","created":1700000000,"result":"Hello from ERNIE!","is_truncated":false,"need_clear_history":false,"finish_reason":"normal","usage":{{Usage}}}
                """);
            return;
        }
        await WriteSseAsync(context.Response,
        [
            (null, """{"id":"as-2","object":"chat.completion","created":1700000000,"sentence_id":0,"is_end":false,"result":"Hello from ","usage":{"prompt_tokens":13,"completion_tokens":0,"total_tokens":13}}"""),
            (null, $$"""{"id":"as-2","object":"chat.completion","created":1700000000,"sentence_id":1,"is_end":true,"result":"ERNIE!","finish_reason":"normal","usage":{{Usage}}}"""),
        ]);
    }
}
