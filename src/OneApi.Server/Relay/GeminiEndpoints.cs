using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Inbound.Gemini;
using OneApi.Relay.Tokens;
using OneApi.Server.Auth;
using OneApi.Server.Channels;

namespace OneApi.Server.Relay;

/// <summary>
/// Google's Gemini API under <c>/v1beta</c> (https://ai.google.dev/api), for the google-genai SDKs and tools built on
/// them: <c>models/{model}:{method}</c> routed and billed like chat completions and embeddings, <c>:countTokens</c>
/// counted by the gateway, and the model list in Google's shape. Keys come as <c>x-goog-api-key</c>, <c>?key=</c> or
/// <c>Authorization</c>; errors are Google's.
/// </summary>
public static class GeminiEndpoints
{
    private static readonly Dictionary<string, GeminiMethod> Methods = new(StringComparer.Ordinal)
    {
        ["generateContent"] = GeminiMethod.GenerateContent,
        ["streamGenerateContent"] = GeminiMethod.StreamGenerateContent,
        ["embedContent"] = GeminiMethod.EmbedContent,
        ["batchEmbedContents"] = GeminiMethod.BatchEmbedContents,
    };

    public static void MapGeminiEndpoints(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/v1beta/models");
        // One segment, "{model}:{method}", split here: model names hold dots and dashes a route template would have to guess around.
        models.MapPost("/{target}", CallAsync);
        models.MapGet("", ListAsync);
        models.MapGet("/{model}", GetAsync);
    }

    private static Task CallAsync(HttpContext context, string target, RelayPipeline pipeline, TokenCounter counter)
    {
        ClientApis.Use(context, GeminiClientApi.Instance);
        var colon = target.LastIndexOf(':');
        var (model, method) = colon > 0 ? (target[..colon], target[(colon + 1)..]) : (target, "");
        if (method == "countTokens")
        {
            return CountTokensAsync(context, model, pipeline, counter);
        }
        if (!Methods.TryGetValue(method, out var known))
        {
            return RelayPipeline.WriteErrorAsync(context, new RelayError(RelayErrorKind.InvalidRequest, 404,
                $"Method {method} is not served for models/{model}: generateContent, streamGenerateContent, embedContent, batchEmbedContents and countTokens are",
                "invalid_request_error"));
        }
        var api = GeminiClientApi.For(known, context.Request.Query["alt"].ToString());
        ClientApis.Use(context, api);
        return pipeline.RelayAsync(context, api.Mode, model);
    }

    /// <summary>
    /// <c>:countTokens</c> (https://ai.google.dev/api/tokens): <c>contents</c>, or a whole <c>generateContentRequest</c>,
    /// counted by the gateway with the model's tokenizer as it counts prompts without usage; no channel, no bill.
    /// </summary>
    private static async Task CountTokensAsync(HttpContext context, string model, RelayPipeline pipeline, TokenCounter counter)
    {
        var (caller, body, error) = await pipeline.AdmitJsonAsync(context);
        if ((caller is null || body is null ? error : RelayPipeline.Forbids(caller, model)) is { } refused)
        {
            await RelayPipeline.WriteErrorAsync(context, refused);
            return;
        }
        var request = FromGeminiRequest.Field(body!, "generateContentRequest") as JsonObject ?? body!;
        var tokens = counter.CountChatPrompt(FromGeminiRequest.Convert(request, model, stream: false), model);
        await context.Response.WriteAsJsonAsync(new JsonObject { ["totalTokens"] = tokens }, context.RequestAborted);
    }

    /// <summary><c>GET /v1beta/models</c>: the models the key's group can reach (and the token may use), in Google's list shape.</summary>
    private static async Task<IResult> ListAsync(HttpContext context, RelayKeyAuthenticator authenticator, RoutingTableStore routing)
    {
        var (caller, error) = await authenticator.AuthenticateAsync(context, context.RequestAborted);
        if (caller is null)
        {
            return ErrorResult(context, error!);
        }
        var models = ModelEndpoints.VisibleModels(caller, routing.Current).Select(Describe).ToArray();
        return Results.Json(new JsonObject { ["models"] = new JsonArray(models) });
    }

    private static async Task<IResult> GetAsync(HttpContext context, string model, RelayKeyAuthenticator authenticator, RoutingTableStore routing)
    {
        var (caller, error) = await authenticator.AuthenticateAsync(context, context.RequestAborted);
        if (caller is null)
        {
            return ErrorResult(context, error!);
        }
        var name = model.StartsWith("models/", StringComparison.Ordinal) ? model["models/".Length..] : model;
        return ModelEndpoints.VisibleModels(caller, routing.Current).Contains(name)
            ? Results.Json(Describe(name))
            : ErrorResult(context, new RelayError(RelayErrorKind.InvalidRequest, 404, $"models/{name} is not found for API version v1beta", "invalid_request_error"));
    }

    /// <summary>
    /// A <c>Model</c> (https://ai.google.dev/api/models#Model). The gateway knows no token limits; the methods are what
    /// it serves for the model: embedding models embed, the others generate.
    /// </summary>
    private static JsonObject Describe(string model)
    {
        string[] methods = model.Contains("embed", StringComparison.OrdinalIgnoreCase)
            ? ["embedContent", "batchEmbedContents", "countTokens"]
            : ["generateContent", "streamGenerateContent", "countTokens"];
        return new JsonObject
        {
            ["name"] = "models/" + model,
            ["baseModelId"] = model,
            ["version"] = "001",
            ["displayName"] = model,
            ["description"] = model,
            ["supportedGenerationMethods"] = new JsonArray(methods.Select(m => (JsonNode?)m).ToArray()),
        };
    }

    private static IResult ErrorResult(HttpContext context, RelayError error) =>
        Results.Text(GeminiClientApi.Instance.SerializeError(error, context.RequestId()), "application/json", statusCode: error.StatusCode);
}
