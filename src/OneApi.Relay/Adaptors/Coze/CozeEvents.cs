using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;
using OneApi.Relay.Streaming;

namespace OneApi.Relay.Adaptors.Coze;

/// <summary>
/// Coze names its events on the SSE <c>event:</c> line only (a message delta and a completed message carry the same
/// object), so each event is handed on as <c>{"event": name, "data": …}</c>. A JSON body instead of a stream (a
/// refusal) comes as one event named <c>message</c>.
/// </summary>
public static class CozeEvents
{
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(Stream upstream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var sse in SseReader.ReadOrJsonAsync(upstream, cancellationToken).ConfigureAwait(false))
        {
            JsonNode data = JsonWire.Parse(sse.Data) ?? (JsonNode)JsonValue.Create(Encoding.UTF8.GetString(sse.Data));
            yield return JsonWire.Serialize(new JsonObject { ["event"] = sse.EventType, ["data"] = data });
        }
    }
}

/// <summary>What one Coze v3 chat event means for the OpenAI answer.</summary>
internal readonly record struct CozeEvent(string? ChatId, string Text, bool Completed, Usage? Usage, RelayError? Error)
{
    public static CozeEvent Read(ReadOnlySpan<byte> wrapped)
    {
        var evt = JsonWire.Parse(wrapped);
        var data = evt?["data"] as JsonObject;
        var chatId = JsonWire.String(data?["chat_id"]) ?? JsonWire.String(data?["id"]);
        return JsonWire.String(evt?["event"]) switch
        {
            "conversation.message.delta" when JsonWire.String(data?["type"]) == "answer" =>
                new(chatId, JsonWire.String(data!["content"]) ?? "", false, null, null),
            "conversation.chat.completed" => new(chatId, "", true, UsageOf(data?["usage"] as JsonObject), null),
            "conversation.chat.failed" => new(chatId, "", true, null, ErrorOf(200, data?["last_error"] as JsonObject)),
            "error" or "message" when JsonWire.Int(data?["code"]) is not (null or 0) => new(null, "", true, null, ErrorOf(200, data)),
            _ => new(null, "", false, null, null),
        };
    }

    /// <summary>Coze's <c>{"code": …, "msg": …}</c> (https://www.coze.com/docs/developer_guides/coze_error_codes) as an HTTP status.</summary>
    public static RelayError ErrorOf(int statusCode, JsonObject? error)
    {
        var code = JsonWire.Int(error?["code"]) ?? 0;
        var status = code switch
        {
            4100 or 4101 or 4102 => 401,
            4013 or 4019 => 429,
            4015 or 4200 => 403,
            >= 4000 and < 5000 => 400,
            _ => statusCode >= 400 ? statusCode : 500,
        };
        var message = JsonWire.String(error?["msg"]) ?? $"Coze answered {statusCode}";
        return new RelayError(RelayErrorKind.UpstreamStatus, status, code == 0 ? message : $"{message} (code {code})", "coze_error", "coze_error");
    }

    private static Usage? UsageOf(JsonObject? usage) => usage is null
        ? null
        : Usage.Of(JsonWire.Int(usage["input_count"]) ?? 0, JsonWire.Int(usage["output_count"]) ?? 0);
}
