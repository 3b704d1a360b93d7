using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.AIProxy;

/// <summary>
/// AI Proxy's knowledge-base ask API (channel type 21, https://docs.aiproxy.io/dev/library) as one-api converts it:
/// the last message is the <c>query</c> to the channel's library; the <c>answer</c> (or the streamed
/// <c>content</c>) is followed by the cited documents as a numbered Markdown list. The API reports no usage, so the
/// gateway counts the tokens.
/// </summary>
public sealed class AIProxyLibraryFormat(TimeProvider? time = null) : IWireFormat
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.AIProxyLibrary;

    public bool Claims(string model) => true;

    public bool Supports(RelayMode mode) => mode == RelayMode.ChatCompletions;

    public ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = request.Model,
            ["query"] = OpenAIMessages.Turns(request.Body).Select(t => t.Text).LastOrDefault() ?? "",
            ["stream"] = request.IsStream,
        };
        return ValueTask.FromResult(new UpstreamPayload(Kind, request.Mode, request.Model, request.IsStream) { Json = body });
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (JsonWire.Parse(body) is not { } answer || JsonWire.Int(answer["errCode"]) is not (null or 0) || JsonWire.String(answer["answer"]) is not { } text)
        {
            return new UpstreamAnswer(body, null, "", ReadError((int)response.StatusCode, body));
        }
        text += Documents(answer["documents"] as JsonArray);
        var openAI = OpenAIShapes.Completion("chatcmpl-" + Guid.NewGuid().ToString("N"), _time.GetUtcNow().ToUnixTimeSeconds(), request.Model,
            new JsonObject { ["role"] = "assistant", ["content"] = text }, "stop", null);
        return new UpstreamAnswer(JsonWire.Serialize(openAI), null, text);
    }

    public async IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunks = new OpenAIStreamChunks(request, _time.GetUtcNow().ToUnixTimeSeconds());
        JsonArray? documents = null;
        await foreach (var data in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var evt = JsonWire.Parse(data.Span);
            if (JsonWire.Int(evt?["errCode"]) is not (null or 0))
            {
                yield return new StreamFrame(default, Error: ReadError(200, data.Span));
                yield break;
            }
            if (evt?["documents"] is JsonArray { Count: > 0 } cited)
            {
                documents = cited;
            }
            if (JsonWire.String(evt?["content"]) is { Length: > 0 } text)
            {
                foreach (var frame in chunks.Delta(new JsonObject { ["content"] = text }, text))
                {
                    yield return frame;
                }
            }
        }
        var references = Documents(documents);
        foreach (var frame in chunks.Delta(new JsonObject { ["content"] = references }, references, "stop"))
        {
            yield return frame;
        }
    }

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body)
    {
        var error = JsonWire.Parse(body);
        var message = JsonWire.String(error?["message"]) is { Length: > 0 } text ? text : $"AI Proxy answered {statusCode}";
        return new RelayError(RelayErrorKind.UpstreamStatus, statusCode >= 400 ? statusCode : 500, message, "aiproxy_error",
            JsonWire.Int(error?["errCode"])?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "aiproxy_error");
    }

    /// <summary>The cited documents as one-api lists them under the answer: "参考文档：" and a numbered list of links.</summary>
    private static string Documents(JsonArray? documents)
    {
        if (documents is not { Count: > 0 })
        {
            return "";
        }
        var list = new StringBuilder("\n\n参考文档：\n");
        var number = 0;
        foreach (var document in documents.OfType<JsonObject>())
        {
            list.Append(System.Globalization.CultureInfo.InvariantCulture, $"{++number}. [{JsonWire.String(document["title"])}]({JsonWire.String(document["url"])})\n");
        }
        return list.ToString();
    }
}
