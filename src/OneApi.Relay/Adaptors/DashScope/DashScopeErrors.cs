using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.DashScope;

/// <summary>DashScope's <c>{"code": "InvalidApiKey", "message": "…", "request_id": "…"}</c> as an OpenAI-style error with the status it came with.</summary>
public static class DashScopeErrors
{
    public const string Type = "ali_error";

    /// <summary>A refused request; a refused stream's body is the SSE <c>error</c> event, whose <c>data:</c> line holds the same object.</summary>
    public static RelayError Read(int statusCode, ReadOnlySpan<byte> body) =>
        Of(JsonWire.Parse(body) ?? JsonWire.Parse(EventData(body)), statusCode)
        ?? new RelayError(RelayErrorKind.UpstreamStatus, statusCode, $"DashScope answered {statusCode}", Type);

    /// <summary>The error an answer object (or a stream event) carries, or null when it has none.</summary>
    public static RelayError? Of(JsonObject? answer, int statusCode) =>
        JsonWire.String(answer?["code"]) is { Length: > 0 } code
            ? new RelayError(RelayErrorKind.UpstreamStatus, statusCode, JsonWire.String(answer!["message"]) ?? code, Type, code)
            : null;

    private static ReadOnlySpan<byte> EventData(ReadOnlySpan<byte> body)
    {
        var start = body.IndexOf("data:"u8);
        if (start < 0)
        {
            return [];
        }
        var data = body[(start + "data:".Length)..];
        var end = data.IndexOfAny((byte)'\r', (byte)'\n');
        return end < 0 ? data : data[..end];
    }
}
