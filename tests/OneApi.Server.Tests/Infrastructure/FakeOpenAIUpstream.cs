using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// A loopback stand-in for OpenAI's API. A channel's base URL picks the behaviour:
/// <c>{root}/{caseId}/{scenario}</c>, and every request is recorded under its case id.
/// Bodies follow OpenAI's documented chat.completion / chat.completion.chunk / error shapes.
/// </summary>
public sealed class FakeOpenAIUpstream : IAsyncDisposable
{
    public const string ReplyText = "Hello! How can I help you today?";
    public const int PromptTokens = 11;
    public const int CompletionTokens = 7;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<RecordedRequest>> _requests = new();

    private FakeOpenAIUpstream(WebApplication app) => _app = app;

    public string Root { get; private set; } = "";

    /// <summary>Set when a client of a streaming scenario went away before the stream was complete.</summary>
    public ConcurrentDictionary<string, bool> StreamsAborted { get; } = new();

    public static async Task<FakeOpenAIUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var upstream = new FakeOpenAIUpstream(app);
        app.Map("/{caseId}/{scenario}/{**path}", upstream.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.Root = address.TrimEnd('/');
        return upstream;
    }

    public string BaseUrl(string caseId, string scenario) => $"{Root}/{caseId}/{scenario}";

    public IReadOnlyList<RecordedRequest> Requests(string caseId) =>
        _requests.TryGetValue(caseId, out var queue) ? queue.ToArray() : [];

    private async Task HandleAsync(HttpContext context, string caseId, string scenario, string? path)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        _requests.GetOrAdd(caseId, _ => new ConcurrentQueue<RecordedRequest>())
            .Enqueue(new RecordedRequest("/" + path, context.Request.Headers.Authorization.ToString(), buffer.ToArray(), context.Request.ContentType));

        var response = context.Response;
        switch (scenario)
        {
            case "ok" when path is "v1/images/generations" or "v1/images/edits" or "v1/images/variations" or "v1/audio/speech" or "v1/audio/transcriptions" or "v1/audio/translations":
                await WriteMediaAsync(context, path, buffer.ToArray());
                break;
            case "ok":
                await WriteJsonAsync(response, 200, path switch
                {
                    _ when path?.EndsWith("/embeddings", StringComparison.Ordinal) == true => Embedding,
                    "v1/completions" => TextCompletion,
                    _ => ChatCompletion,
                });
                break;
            case "malformed":
                await WriteJsonAsync(response, 200, "<html>upstream proxy error</html>");
                break;
            case "stall-stream":
                context.Response.ContentType = "text/event-stream";
                foreach (var chunk in StreamChunks(withUsage: true).Take(3))
                {
                    await context.Response.WriteAsync($"data: {chunk}\n\n");
                    await context.Response.Body.FlushAsync();
                }
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { });
                break;
            case "reset-mid-stream":
                context.Response.ContentType = "text/event-stream";
                foreach (var chunk in StreamChunks(withUsage: true).Take(3))
                {
                    await context.Response.WriteAsync($"data: {chunk}\n\n");
                    await context.Response.Body.FlushAsync();
                }
                await Task.Delay(200); // let Kestrel put the chunks on the wire before the reset
                context.Abort();
                break;
            case "slow-ok":
                await Task.Delay(TimeSpan.FromMilliseconds(2500), context.RequestAborted).ContinueWith(_ => { });
                await WriteJsonAsync(response, 200, ChatCompletion);
                break;
            case "no-usage":
                await WriteJsonAsync(response, 200, ChatCompletion.Replace(UsageJson, "\"usage\":null", StringComparison.Ordinal));
                break;
            case "stream":
                await WriteStreamAsync(context, caseId, StreamChunks(withUsage: true), TimeSpan.Zero);
                break;
            case "stream-no-usage":
                await WriteStreamAsync(context, caseId, StreamChunks(withUsage: false), TimeSpan.Zero);
                break;
            case "slow-stream":
                await WriteStreamAsync(context, caseId, Enumerable.Range(0, 200).Select(i => Chunk($"\"content\":\"word{i} \"", "null")).ToList(), TimeSpan.FromMilliseconds(20));
                break;
            case "big-line":
                await WriteStreamAsync(context, caseId, [Chunk($"\"content\":\"{new string('x', 300 * 1024)}\"", "null"), Chunk("", "\"stop\"")], TimeSpan.Zero);
                break;
            case "error429":
                await WriteJsonAsync(response, 429, """{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}""");
                break;
            case "error500":
                await WriteJsonAsync(response, 500, """{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}""");
                break;
            case "error401":
                await WriteJsonAsync(response, 401, """{"error":{"message":"Incorrect API key provided: sk-bad. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""");
                break;
            case "error401-echo":
                var sentKey = context.Request.Headers.Authorization.ToString()["Bearer ".Length..];
                await WriteJsonAsync(response, 401, $$$"""{"error":{"message":"Incorrect API key provided: {{{sentKey}}}.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""");
                break;
            case "error400-echo":
                // As OpenAI's validation errors do, the answer quotes the client's own bad value.
                var user = System.Text.Json.Nodes.JsonNode.Parse(buffer.ToArray())?["user"]?.GetValue<string>() ?? "";
                var quoted = System.Text.Json.JsonSerializer.Serialize($"Invalid 'user': expected an identifier, got '{user}'.");
                await WriteJsonAsync(response, 400, $$$"""{"error":{"message":{{{quoted}}},"type":"invalid_request_error","param":"user","code":"invalid_value"}}""");
                break;
            case "error429-quota":
                await WriteJsonAsync(response, 429, """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""");
                break;
            case "hang":
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { });
                break;
            default:
                response.StatusCode = 404;
                break;
        }
    }

    public const string TranscriptText = "The quick brown fox jumped over the lazy dog.";

    /// <summary>Bytes standing in for MP3 audio: the speech answer is checked byte for byte.</summary>
    public static readonly byte[] SpeechAudio = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 31)).ToArray();

    /// <summary>OpenAI's documented answers for images (url format) and audio, in the response_format asked for.</summary>
    private static async Task WriteMediaAsync(HttpContext context, string path, byte[] body)
    {
        var response = context.Response;
        if (path.StartsWith("v1/images/", StringComparison.Ordinal))
        {
            await WriteJsonAsync(response, 200, """{"created":1713833628,"data":[{"url":"https://example.com/img-1.png","revised_prompt":"a cat"}]}""");
            return;
        }
        if (path == "v1/audio/speech")
        {
            response.StatusCode = 200;
            response.ContentType = "audio/mpeg";
            for (var offset = 0; offset < SpeechAudio.Length; offset += 64 * 1024)
            {
                await response.Body.WriteAsync(SpeechAudio.AsMemory(offset, Math.Min(64 * 1024, SpeechAudio.Length - offset)));
                await response.Body.FlushAsync();
            }
            return;
        }
        var format = Encoding.UTF8.GetString(body).Contains("\r\n\r\nsrt\r\n", StringComparison.Ordinal) ? "srt" : "json"; // the response_format field
        if (format == "srt")
        {
            response.StatusCode = 200;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync($"1\n00:00:00,000 --> 00:00:02,500\n{TranscriptText}\n\n");
            return;
        }
        await WriteJsonAsync(response, 200, $$"""{"text":"{{TranscriptText}}"}""");
    }

    private static readonly string UsageJson = $$"""
        "usage":{"prompt_tokens":{{PromptTokens}},"completion_tokens":{{CompletionTokens}},"total_tokens":{{PromptTokens + CompletionTokens}}}
        """;

    private static readonly string ChatCompletion = $$"""
        {"id":"chatcmpl-123","object":"chat.completion","created":1677652288,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"message":{"role":"assistant","content":"{{ReplyText}}"},"logprobs":null,"finish_reason":"stop"}],{{UsageJson}}}
        """;

    private static readonly string TextCompletion = """
        {"id":"cmpl-uqkvlQyYK7bGYrRHQ0eXlWi7","object":"text_completion","created":1589478378,"model":"gpt-3.5-turbo-instruct","system_fingerprint":"fp_44709d6fcb","choices":[{"text":"This is indeed a test","index":0,"logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}
        """;

    private static readonly string Embedding = """
        {"object":"list","data":[{"object":"embedding","embedding":[0.0023064255,-0.009327292,-0.0028842222],"index":0}],"model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}
        """;

    public static string Chunk(string delta, string finishReason) =>
        $$"""{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{{{delta}}},"logprobs":null,"finish_reason":{{finishReason}}}]}""";

    private static List<string> StreamChunks(bool withUsage)
    {
        var chunks = new List<string> { Chunk("\"role\":\"assistant\",\"content\":\"\"", "null") };
        chunks.AddRange(ReplyText.Split(' ').Select((word, i) => Chunk($"\"content\":\"{(i == 0 ? "" : " ")}{word}\"", "null")));
        chunks.Add(Chunk("", "\"stop\""));
        if (withUsage)
        {
            chunks.Add($$"""{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[],{{UsageJson}}}""");
        }
        return chunks;
    }

    private async Task WriteStreamAsync(HttpContext context, string caseId, IReadOnlyList<string> chunks, TimeSpan pause)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        try
        {
            foreach (var chunk in chunks)
            {
                await context.Response.WriteAsync($"data: {chunk}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, context.RequestAborted);
                }
            }
            await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            StreamsAborted[caseId] = true;
        }
        catch (IOException)
        {
            StreamsAborted[caseId] = true;
        }
    }

    private static async Task WriteJsonAsync(HttpResponse response, int status, string json)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(json));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

public sealed record RecordedRequest(string Path, string Authorization, byte[] Body, string? ContentType = null)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}
