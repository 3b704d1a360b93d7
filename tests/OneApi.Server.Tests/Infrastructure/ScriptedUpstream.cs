using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// An OpenAI-format upstream whose scenario names the usage it reports: <c>usage-P-C</c>, <c>stream-usage-P-C</c>,
/// <c>slow-usage-P-C</c> (answers after 1.5 s), <c>slow-stream-usage-P-C</c> (40 chunks 50 ms apart, then usage),
/// <c>held-body-usage-P-C</c> (the answer's headers at once, its body once the test calls <see cref="ReleaseBody"/>),
/// <c>stream-no-usage</c>, <c>stream-tool-call-no-usage</c>, <c>transcription</c>.
/// </summary>
public sealed class ScriptedUpstream : IAsyncDisposable
{
    private readonly LoopbackServer _server;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _calls = new();
    private readonly ConcurrentDictionary<string, int> _inFlight = new();
    private readonly ConcurrentDictionary<string, bool> _completed = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _heldBodies = new();

    private ScriptedUpstream(LoopbackServer server) => _server = server;

    public static async Task<ScriptedUpstream> StartAsync()
    {
        ScriptedUpstream? upstream = null;
        var server = await LoopbackServer.StartAsync(app =>
            app.Map("/{caseId}/{scenario}/{**path}", (HttpContext context, string caseId, string scenario) => upstream!.HandleAsync(context, caseId, scenario)));
        upstream = new ScriptedUpstream(server);
        return upstream;
    }

    public string BaseUrl(string caseId, string scenario) => $"{_server.BaseUrl}/{caseId}/{scenario}";

    public IReadOnlyList<string> Calls(string caseId) => _calls.TryGetValue(caseId, out var calls) ? calls.ToArray() : [];

    public int InFlight(string caseId) => _inFlight.GetValueOrDefault(caseId);

    public bool Completed(string caseId) => _completed.GetValueOrDefault(caseId);

    /// <summary>Lets a <c>held-body-usage</c> answer send its body.</summary>
    public void ReleaseBody(string caseId) => HeldBody(caseId).TrySetResult();

    private TaskCompletionSource HeldBody(string caseId) =>
        _heldBodies.GetOrAdd(caseId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task HandleAsync(HttpContext context, string caseId, string scenario)
    {
        using var reader = new StreamReader(context.Request.Body);
        _calls.GetOrAdd(caseId, _ => new()).Enqueue(await reader.ReadToEndAsync());
        _inFlight.AddOrUpdate(caseId, 1, (_, n) => n + 1);
        var parts = scenario.Split('-');
        var usage = parts.Length >= 2 && int.TryParse(parts[^2], out var prompt) && int.TryParse(parts[^1], out var completion)
            ? $$"""{"prompt_tokens":{{prompt}},"completion_tokens":{{completion}},"total_tokens":{{prompt + completion}}}"""
            : null;
        switch (scenario)
        {
            case "transcription":
                await context.Response.WriteAsJsonAsync(new { text = "hello" });
                break;
            case "stream-no-usage":
                await StreamAsync(context, caseId, [Delta("""{"content":"Hello"}""")], null, TimeSpan.Zero);
                break;
            case "stream-tool-call-no-usage":
                var words = string.Join(' ', Enumerable.Repeat("ponder", 2_000));
                var arguments = JsonSerializer.Serialize(JsonSerializer.Serialize(new { text = string.Join(' ', Enumerable.Repeat("argue", 2_000)) }));
                await StreamAsync(context, caseId,
                [
                    Delta($$"""{"reasoning_content":"{{words}}"}"""),
                    Delta("""{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""" + arguments + "}}]}"),
                ], null, TimeSpan.Zero);
                break;
            case not null when scenario.StartsWith("slow-stream-usage-", StringComparison.Ordinal):
                await StreamAsync(context, caseId, Enumerable.Range(0, 40).Select(i => Delta($$"""{"content":"w{{i}} "}""")).ToList(), usage, TimeSpan.FromMilliseconds(50));
                break;
            case not null when scenario.StartsWith("stream-usage-", StringComparison.Ordinal):
                await StreamAsync(context, caseId, [Delta("""{"content":"Hello"}""")], usage, TimeSpan.Zero);
                break;
            case not null when scenario.StartsWith("held-body-usage-", StringComparison.Ordinal):
                context.Response.ContentType = "application/json";
                await context.Response.Body.FlushAsync();
                await HeldBody(caseId).Task.WaitAsync(TimeSpan.FromSeconds(30));
                await context.Response.WriteAsync(Answer(usage!));
                break;
            case not null when scenario.StartsWith("slow-usage-", StringComparison.Ordinal):
                await Task.Delay(1_500);
                await WriteAnswerAsync(context, usage!);
                break;
            default:
                await WriteAnswerAsync(context, usage!);
                break;
        }
        _inFlight.AddOrUpdate(caseId, 0, (_, n) => n - 1);
    }

    private static string Delta(string delta) =>
        $$"""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{{delta}},"finish_reason":null}]}""";

    private static Task WriteAnswerAsync(HttpContext context, string usage)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(Answer(usage));
    }

    private static string Answer(string usage) =>
        $$"""{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{{usage}}}""";

    /// <summary>Writes every chunk whatever happens to the reader, as a provider does until it notices.</summary>
    private async Task StreamAsync(HttpContext context, string caseId, IReadOnlyList<string> chunks, string? usage, TimeSpan pause)
    {
        context.Response.ContentType = "text/event-stream";
        foreach (var chunk in chunks)
        {
            await context.Response.WriteAsync($"data: {chunk}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(pause);
        }
        if (usage is not null)
        {
            await context.Response.WriteAsync($$"""data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{{usage}}}""" + "\n\n");
        }
        await context.Response.WriteAsync("data: [DONE]\n\n");
        await context.Response.Body.FlushAsync();
        _completed[caseId] = true;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
