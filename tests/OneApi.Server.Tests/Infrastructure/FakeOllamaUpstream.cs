using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// An Ollama server on loopback: <c>/api/chat</c> (a whole answer, or JSON lines when <c>stream</c> is true) and
/// <c>/api/embed</c>, in the shapes of https://github.com/ollama/ollama/blob/main/docs/api.md. Scenarios: text, tools,
/// missing (404 model not found).
/// </summary>
public sealed class FakeOllamaUpstream : FakeUpstreamHost
{
    public const string ReplyText = "Hello from Ollama!";
    public const int PromptEvalCount = 21;
    public const int EvalCount = 9;

    public static Task<FakeOllamaUpstream> StartAsync() => StartAsync(new FakeOllamaUpstream());

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        if (scenario == "missing")
        {
            await WriteJsonAsync(context.Response, 404, """{"error":"model \"llama9\" not found, try pulling it first"}""");
            return;
        }
        var body = call.Json;
        if (call.Path == "/api/embed")
        {
            var vectors = body["input"]!.AsArray().Select(_ => (JsonNode?)new JsonArray(0.5, -0.25));
            await WriteJsonAsync(context.Response, 200, new JsonObject { ["model"] = "all-minilm", ["embeddings"] = new JsonArray(vectors.ToArray()), ["prompt_eval_count"] = 4 }.ToJsonString());
            return;
        }
        var done = Line("", scenario == "tools"
            ? ""","tool_calls":[{"function":{"name":"get_weather","arguments":{"location":"Paris"}}}]"""
            : "", done: true);
        if ((bool?)body["stream"] != true)
        {
            await WriteJsonAsync(context.Response, 200, scenario == "tools" ? done : Line(ReplyText, "", done: true));
            return;
        }
        context.Response.ContentType = "application/x-ndjson";
        foreach (var line in scenario == "tools" ? [done] : new[] { Line("Hello from ", "", false), Line("Ollama!", "", false), done })
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
            await context.Response.Body.FlushAsync();
        }
    }

    private static string Line(string content, string toolCalls, bool done) => done
        ? $$"""{"model":"llama3.2","created_at":"2024-07-22T20:33:28Z","message":{"role":"assistant","content":"{{content}}"{{toolCalls}}},"done":true,"done_reason":"stop","prompt_eval_count":{{PromptEvalCount}},"eval_count":{{EvalCount}}}"""
        : $$"""{"model":"llama3.2","created_at":"2024-07-22T20:33:28Z","message":{"role":"assistant","content":"{{content}}"},"done":false}""";
}
