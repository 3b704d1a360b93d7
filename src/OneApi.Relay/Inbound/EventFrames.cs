using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound;

/// <summary>Named stream events made from one upstream chunk, as frames the pipeline writes and bills.</summary>
public static class EventFrames
{
    /// <summary>
    /// One frame per event, named by its <c>type</c>. The chunk's billing data rides on the first frame, or on an
    /// empty one when the chunk made no event, so it is counted exactly once.
    /// </summary>
    public static IEnumerable<StreamFrame> Of(List<JsonObject> events, Usage? usage, string? text, RelayError? error)
    {
        if (events.Count == 0)
        {
            return usage is null && text is null ? [] : [new StreamFrame(ReadOnlyMemory<byte>.Empty, usage, text)];
        }
        return events.Select((e, i) => i == 0
            ? new StreamFrame(JsonWire.Serialize(e), usage, text, error, JsonWire.String(e["type"]))
            : new StreamFrame(JsonWire.Serialize(e), Event: JsonWire.String(e["type"])));
    }
}
