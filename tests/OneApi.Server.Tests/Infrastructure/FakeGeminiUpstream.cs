using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Google AI Studio on loopback: <c>/{version}/models/{model}:{method}</c> answering in Gemini's documented shapes
/// (https://ai.google.dev/api/generate-content), and Gemini's OpenAI-compatible endpoint <c>/v1beta/openai/…</c>.
/// Like Google it wants the channel's key (<c>sk-upstream-{caseId}</c>) in <c>x-goog-api-key</c> (Bearer for the
/// OpenAI endpoint) and answers 400 API_KEY_INVALID otherwise. Scenarios: text, tools, thinking.
/// </summary>
public sealed class FakeGeminiUpstream : FakeUpstreamHost
{
    public const string ReplyText = "Hello from Gemini!";
    public const string ThoughtText = "The user says hello; a greeting back fits.";
    public const int PromptTokens = 100;
    public const int CandidatesTokens = 50;
    public const int ThoughtsTokens = 30;

    public static Task<FakeGeminiUpstream> StartAsync() => StartAsync(new FakeGeminiUpstream());

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        var key = "sk-upstream-" + caseId;
        if (call.Path.StartsWith("/v1beta/openai/", StringComparison.Ordinal))
        {
            await (call.Header("Authorization") == "Bearer " + key
                ? WriteJsonAsync(context.Response, 200, OpenAIChatCompletion)
                : WriteJsonAsync(context.Response, 401, """{"error":{"code":401,"message":"API key not valid.","status":"UNAUTHENTICATED"}}"""));
            return;
        }
        if (call.Header("x-goog-api-key") != key)
        {
            await WriteJsonAsync(context.Response, 400, """{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}""");
            return;
        }
        await RespondAsync(context, scenario, call);
    }

    /// <summary>Answers a Gemini model call (generateContent, streamGenerateContent, batchEmbedContents); shared with the Vertex fake.</summary>
    public static async Task RespondAsync(HttpContext context, string scenario, UpstreamCall call)
    {
        var method = call.Path[(call.Path.LastIndexOf(':') + 1)..];
        var body = call.Json;
        if (method == "batchEmbedContents")
        {
            var embeddings = body["requests"]!.AsArray().Select(_ => (JsonNode?)new JsonObject { ["values"] = new JsonArray(0.25, -0.5, 0.75) });
            await WriteJsonAsync(context.Response, 200, new JsonObject { ["embeddings"] = new JsonArray(embeddings.ToArray()) }.ToJsonString());
            return;
        }
        if (body["contents"] is not JsonArray { Count: > 0 })
        {
            await WriteJsonAsync(context.Response, 400, """{"error":{"code":400,"message":"* GenerateContentRequest.contents: contents is not specified","status":"INVALID_ARGUMENT"}}""");
            return;
        }
        if (method == "streamGenerateContent")
        {
            await WriteSseAsync(context.Response, StreamEvents(scenario).Select(e => ((string?)null, e.ToJsonString())));
            return;
        }
        await WriteJsonAsync(context.Response, 200, Response(Parts(scenario), "STOP", Usage(scenario)).ToJsonString());
    }

    private static JsonArray Parts(string scenario) => scenario switch
    {
        "tools" => [new JsonObject { ["functionCall"] = new JsonObject { ["name"] = "get_weather", ["args"] = new JsonObject { ["location"] = "Paris" } } }],
        "thinking" => [new JsonObject { ["text"] = ThoughtText, ["thought"] = true }, new JsonObject { ["text"] = ReplyText }],
        _ => [new JsonObject { ["text"] = ReplyText }],
    };

    private static IEnumerable<JsonObject> StreamEvents(string scenario)
    {
        var running = new JsonObject { ["promptTokenCount"] = PromptTokens, ["totalTokenCount"] = PromptTokens };
        if (scenario == "text")
        {
            yield return Response([new JsonObject { ["text"] = "Hello from " }], null, running);
            yield return Response([new JsonObject { ["text"] = "Gemini!" }], "STOP", Usage(scenario));
            yield break;
        }
        var parts = Parts(scenario);
        foreach (var part in parts.Take(parts.Count - 1))
        {
            yield return Response([part!.DeepClone()], null, running);
        }
        yield return Response([parts[^1]!.DeepClone()], "STOP", Usage(scenario));
    }

    private static JsonObject Usage(string scenario)
    {
        var usage = new JsonObject
        {
            ["promptTokenCount"] = PromptTokens,
            ["candidatesTokenCount"] = CandidatesTokens,
            ["totalTokenCount"] = PromptTokens + CandidatesTokens + (scenario == "thinking" ? ThoughtsTokens : 0),
        };
        if (scenario == "thinking")
        {
            usage["thoughtsTokenCount"] = ThoughtsTokens;
        }
        return usage;
    }

    private static JsonObject Response(JsonArray parts, string? finishReason, JsonObject usage)
    {
        var candidate = new JsonObject { ["content"] = new JsonObject { ["parts"] = parts, ["role"] = "model" }, ["index"] = 0 };
        if (finishReason is not null)
        {
            candidate["finishReason"] = finishReason;
        }
        return new JsonObject
        {
            ["candidates"] = new JsonArray(candidate),
            ["usageMetadata"] = usage,
            ["modelVersion"] = "gemini-2.0-flash-001",
            ["responseId"] = "fake-response-1",
        };
    }

    private const string OpenAIChatCompletion = """
        {"id":"chatcmpl-gemini-compat","object":"chat.completion","created":1740000000,"model":"gemini-2.0-flash",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello from Gemini's OpenAI endpoint!"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":12,"completion_tokens":8,"total_tokens":20}}
        """;
}
