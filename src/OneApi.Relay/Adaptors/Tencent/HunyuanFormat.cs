using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Tencent;

/// <summary>
/// Hunyuan's <c>ChatCompletions</c> (https://cloud.tencent.com/document/api/1729/105701), PascalCase throughout:
/// <c>Messages</c> of <c>Role</c>/<c>Content</c>; a whole answer is <c>Response.Choices[].Message</c> with
/// <c>Response.Usage</c>; a stream's events carry <c>Choices[].Delta</c> and the usage so far; an error is
/// <c>Response.Error.Code</c>/<c>Message</c>, answered with a 200. Embeddings go to <c>GetEmbedding</c> as one-api
/// sends them: the inputs as <c>InputList</c>, the vectors back in <c>Response.Data[].Embedding</c> with their <c>Index</c>.
/// </summary>
public sealed class HunyuanFormat(TimeProvider? time = null) : IWireFormat
{
    private static readonly (string OpenAI, string Hunyuan)[] Settings = [("temperature", "Temperature"), ("top_p", "TopP"), ("seed", "Seed")];

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.Hunyuan;

    public bool Claims(string model) => true;

    public bool Supports(RelayMode mode) => mode is RelayMode.ChatCompletions or RelayMode.Embeddings;

    public ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken)
    {
        var body = request.Mode == RelayMode.Embeddings
            ? new JsonObject { ["InputList"] = OpenAIMessages.InputTexts(request.Body["input"]) }
            : ToChat(request);
        return ValueTask.FromResult(new UpstreamPayload(Kind, request.Mode, request.Model, request.IsStream) { Json = body });
    }

    private static JsonObject ToChat(RelayRequest request)
    {
        var body = new JsonObject
        {
            ["Model"] = request.Model,
            ["Messages"] = new JsonArray([.. OpenAIMessages.Turns(request.Body).Select(t => new JsonObject { ["Role"] = t.Role, ["Content"] = t.Text })]),
            ["Stream"] = request.IsStream,
        };
        foreach (var (openAI, hunyuan) in Settings)
        {
            if (request.Body[openAI] is { } value)
            {
                body[hunyuan] = value.DeepClone();
            }
        }
        return body;
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var answer = JsonWire.Parse(body)?["Response"] as JsonObject;
        if (request.Mode == RelayMode.Embeddings)
        {
            return FromEmbedding(answer, body, request, (int)response.StatusCode);
        }
        if (answer is null || answer["Error"] is JsonObject || answer["Choices"] is not JsonArray choices)
        {
            return new UpstreamAnswer(body, null, "", ReadError((int)response.StatusCode, body));
        }
        var choice = choices.FirstOrDefault() as JsonObject;
        var text = JsonWire.String(choice?["Message"]?["Content"]) ?? "";
        var usage = UsageOf(answer);
        var openAI = OpenAIShapes.Completion(JsonWire.String(answer["Id"]) ?? "chatcmpl-" + JsonWire.String(answer["RequestId"]),
            _time.GetUtcNow().ToUnixTimeSeconds(), request.Model, new JsonObject { ["role"] = "assistant", ["content"] = text },
            FinishReason(JsonWire.String(choice?["FinishReason"])), usage);
        return new UpstreamAnswer(JsonWire.Serialize(openAI), usage, text);
    }

    /// <summary><c>GetEmbedding</c>'s vectors in their <c>Index</c> order, billed by Hunyuan's <c>PromptTokens</c>.</summary>
    private UpstreamAnswer FromEmbedding(JsonObject? answer, byte[] body, RelayRequest request, int statusCode)
    {
        if (answer is null || answer["Error"] is JsonObject)
        {
            return new UpstreamAnswer(body, null, "", ReadError(statusCode, body));
        }
        if (answer["Data"] is not JsonArray data)
        {
            return new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("the answer has no Data"));
        }
        var usage = answer["Usage"] is JsonObject counts
            ? Usage.Of(JsonWire.Int(counts["PromptTokens"]) ?? JsonWire.Int(counts["TotalTokens"]) ?? 0, 0)
            : null;
        var vectors = data.OfType<JsonObject>().OrderBy(d => JsonWire.Int(d["Index"]) ?? 0).Select(d => d["Embedding"]);
        return new UpstreamAnswer(JsonWire.Serialize(OpenAIShapes.Embeddings(request.Model, vectors, usage)), usage, "");
    }

    public async IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunks = new OpenAIStreamChunks(request, _time.GetUtcNow().ToUnixTimeSeconds());
        await foreach (var data in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var evt = JsonWire.Parse(data.Span);
            if (evt?["Response"] is JsonObject)
            {
                yield return new StreamFrame(default, Error: ReadError(200, data.Span));
                yield break;
            }
            if ((evt?["Choices"] as JsonArray)?.FirstOrDefault() is not JsonObject choice)
            {
                continue;
            }
            chunks.Id = JsonWire.String(evt["Id"]) ?? chunks.Id;
            var text = JsonWire.String(choice["Delta"]?["Content"]) ?? "";
            var finish = JsonWire.String(choice["FinishReason"]) is { Length: > 0 } reason ? FinishReason(reason) : null;
            foreach (var frame in chunks.Delta(new JsonObject { ["content"] = text }, text, finish, finish is null ? null : UsageOf(evt)))
            {
                yield return frame;
            }
        }
    }

    /// <summary>Tencent's error codes (https://cloud.tencent.com/document/api/1729/101839) as HTTP statuses.</summary>
    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body)
    {
        var error = JsonWire.Parse(body)?["Response"]?["Error"] as JsonObject;
        var code = JsonWire.String(error?["Code"]) ?? "";
        var status = code switch
        {
            _ when code.StartsWith("AuthFailure", StringComparison.Ordinal) => 401,
            _ when code.StartsWith("RequestLimitExceeded", StringComparison.Ordinal) || code.StartsWith("LimitExceeded", StringComparison.Ordinal) => 429,
            _ when code.StartsWith("UnauthorizedOperation", StringComparison.Ordinal) || code.StartsWith("ResourceInsufficient", StringComparison.Ordinal) => 403,
            _ when code.StartsWith("InvalidParameter", StringComparison.Ordinal) || code.StartsWith("MissingParameter", StringComparison.Ordinal) => 400,
            _ => statusCode >= 400 ? statusCode : 500,
        };
        var message = JsonWire.String(error?["Message"]) ?? $"Tencent answered {statusCode}";
        return new RelayError(RelayErrorKind.UpstreamStatus, status, message, "tencent_error", code.Length > 0 ? code : "tencent_error");
    }

    private static string FinishReason(string? reason) => reason switch
    {
        "sensitive" => "content_filter",
        null or "" => "stop",
        _ => reason,
    };

    private static Usage? UsageOf(JsonObject answer) => answer["Usage"] is JsonObject usage
        ? Usage.Of(JsonWire.Int(usage["PromptTokens"]) ?? 0, JsonWire.Int(usage["CompletionTokens"]) ?? 0)
        : null;
}
