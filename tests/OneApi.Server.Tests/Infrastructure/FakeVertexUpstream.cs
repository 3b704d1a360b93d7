using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Vertex AI's Claude, Gemini and Imagen endpoints and Google's OAuth token endpoint on loopback. The token endpoint (the key's
/// <c>token_uri</c>, scenario "token") checks the JWT-bearer grant: RS256 signature by the key's private key, issuer,
/// audience and cloud-platform scope. The model endpoints require the token it issued and Vertex's Claude envelope
/// (<c>anthropic_version: vertex-2023-10-16</c>, no model in the body), and answer as Claude does.
/// </summary>
public sealed class FakeVertexUpstream : FakeUpstreamHost
{
    public const string ClientEmail = "gateway@test-project.iam.gserviceaccount.com";

    /// <summary>A 1×1 PNG, as Imagen returns pictures: base64 in the prediction.</summary>
    public const string ImageBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    private readonly RSA _key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, int> _tokensIssued = new();

    public static Task<FakeVertexUpstream> StartAsync() => StartAsync(new FakeVertexUpstream());

    public int TokensIssued(string caseId) => _tokensIssued.GetValueOrDefault(caseId);

    /// <summary>A service-account key as the Google Cloud console downloads it, its token_uri pointing here.</summary>
    public string ServiceAccountJson(string caseId) => new JsonObject
    {
        ["type"] = "service_account",
        ["project_id"] = "test-project",
        ["private_key_id"] = "kid-1",
        ["private_key"] = _key.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = ClientEmail,
        ["client_id"] = "1234567890",
        ["token_uri"] = $"{Root}/{caseId}/token/oauth2",
    }.ToJsonString();

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        if (scenario == "token")
        {
            await IssueTokenAsync(context, caseId, call);
            return;
        }
        if (call.Header("Authorization") is not { } authorization || !authorization.StartsWith($"Bearer ya29.{caseId}.", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context.Response, 401, """{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}""");
            return;
        }
        if (call.Path.Contains("/publishers/google/models/imagen", StringComparison.Ordinal))
        {
            await PredictImagesAsync(context, call);
            return;
        }
        if (call.Path.Contains("/publishers/google/models/", StringComparison.Ordinal))
        {
            await FakeGeminiUpstream.RespondAsync(context, scenario, call);
            return;
        }
        var body = call.Json;
        if ((string?)body["anthropic_version"] != "vertex-2023-10-16" || body["model"] is not null)
        {
            await WriteJsonAsync(context.Response, 400, """{"type":"error","error":{"type":"invalid_request_error","message":"anthropic_version: vertex-2023-10-16 required"}}""");
            return;
        }
        var model = call.Path.Split("/models/")[1].Split(':')[0];
        await FakeAnthropicUpstream.RespondAsync(context, scenario, body.Merge("model", model), stream: call.Path.EndsWith(":streamRawPredict", StringComparison.Ordinal));
    }

    /// <summary>Imagen's <c>predict</c> (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/imagen-api): one prediction per sample.</summary>
    private static async Task PredictImagesAsync(HttpContext context, UpstreamCall call)
    {
        var body = call.Json;
        if (body["instances"]?[0]?["prompt"] is null || body["parameters"]?["sampleCount"] is not JsonValue count)
        {
            await WriteJsonAsync(context.Response, 400, """{"error":{"code":400,"message":"instances[0].prompt is required","status":"INVALID_ARGUMENT"}}""");
            return;
        }
        var predictions = Enumerable.Range(0, (int)count).Select(_ => (JsonNode?)new JsonObject { ["mimeType"] = "image/png", ["bytesBase64Encoded"] = ImageBase64 });
        await WriteJsonAsync(context.Response, 200, new JsonObject { ["predictions"] = new JsonArray(predictions.ToArray()) }.ToJsonString());
    }

    private async Task IssueTokenAsync(HttpContext context, string caseId, UpstreamCall call)
    {
        var form = QueryHelpers.ParseQuery(call.BodyText);
        var parts = form.TryGetValue("assertion", out var assertion) ? assertion.ToString().Split('.') : [];
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || parts.Length != 3 ||
            !_key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), WebEncoders.Base64UrlDecode(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            await WriteJsonAsync(context.Response, 400, """{"error":"invalid_grant","error_description":"Invalid JWT Signature."}""");
            return;
        }
        var claims = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[1]))!;
        if ((string?)claims["iss"] != ClientEmail || (string?)claims["scope"] != "https://www.googleapis.com/auth/cloud-platform")
        {
            await WriteJsonAsync(context.Response, 400, """{"error":"invalid_scope"}""");
            return;
        }
        var n = _tokensIssued.AddOrUpdate(caseId, 1, (_, count) => count + 1);
        await WriteJsonAsync(context.Response, 200, $$"""{"access_token":"ya29.{{caseId}}.{{n}}","expires_in":3599,"token_type":"Bearer"}""");
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Merge(this JsonObject body, string name, string value)
    {
        var copy = (JsonObject)body.DeepClone();
        copy[name] = value;
        return copy;
    }
}
