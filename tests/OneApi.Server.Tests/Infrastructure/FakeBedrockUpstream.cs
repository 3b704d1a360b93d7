using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OneApi.Relay.Adaptors.AwsBedrock;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Bedrock Runtime on loopback. Like AWS it recomputes the SigV4 signature from what it received (raw path, headers,
/// body hash) with the secret of <see cref="AccessKey"/>, answering 403 on a mismatch; it also requires Bedrock's
/// Claude envelope. Streams are AWS event-stream frames, each carrying one Messages event as base64.
/// </summary>
public sealed class FakeBedrockUpstream : FakeUpstreamHost
{
    public const string AccessKey = "AKIDFAKEBEDROCK";
    public const string SecretKey = "fake/secret/key+for+tests";

    public static Task<FakeBedrockUpstream> StartAsync() => StartAsync(new FakeBedrockUpstream());

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        if (SignatureProblem(call) is { } problem)
        {
            await WriteJsonAsync(context.Response, 403, $$"""{"message":"{{problem}}"}""");
            return;
        }
        var body = call.Json;
        if ((string?)body["anthropic_version"] != "bedrock-2023-05-31" || body["model"] is not null)
        {
            await WriteJsonAsync(context.Response, 400, """{"message":"Malformed input request: anthropic_version required, model not allowed"}""");
            return;
        }
        var model = call.Path.Split('/')[2];
        var blocks = FakeAnthropicUpstream.Blocks(scenario);
        if (call.Path.EndsWith("/invoke-with-response-stream", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/vnd.amazon.eventstream";
            foreach (var (_, data) in FakeAnthropicUpstream.Events(model, blocks, scenario))
            {
                var payload = new JsonObject { ["bytes"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(data)), ["p"] = "abc" }.ToJsonString();
                await context.Response.Body.WriteAsync(AwsEventStream.Encode(
                    [new(":event-type", "chunk"), new(":content-type", "application/json"), new(":message-type", "event")], Encoding.UTF8.GetBytes(payload)));
                await context.Response.Body.FlushAsync();
            }
            return;
        }
        await WriteJsonAsync(context.Response, 200, FakeAnthropicUpstream.Message(model, blocks, scenario).ToJsonString());
    }

    private static string? SignatureProblem(UpstreamCall call)
    {
        var authorization = call.Header("Authorization") ?? "";
        var amzDate = call.Header("x-amz-date");
        var prefix = $"AWS4-HMAC-SHA256 Credential={AccessKey}/";
        if (amzDate is null || !authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            return "Missing Authentication Token";
        }
        var scope = authorization[prefix.Length..].Split(',')[0].Split('/');
        var signedHeaders = authorization.Split("SignedHeaders=")[1].Split(',')[0].Split(';');
        var headers = signedHeaders.ToDictionary(h => h, h => call.Header(h) ?? "");
        var target = call.RawTarget.Split('?', 2);
        var expected = SigV4Signer.Authorization(call.Method, target[0], target.Length > 1 ? target[1] : "", headers,
            Convert.ToHexStringLower(SHA256.HashData(call.Body)), new AwsCredentials(AccessKey, SecretKey), scope[1], scope[2], amzDate);
        return expected == authorization ? null : "The request signature we calculated does not match the signature you provided.";
    }
}
