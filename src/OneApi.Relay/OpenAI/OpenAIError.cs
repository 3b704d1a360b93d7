using System.Text.Json;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.OpenAI;

/// <summary>OpenAI's error body, <c>{"error":{"message","type","param","code"}}</c>, read and written.</summary>
public static class OpenAIError
{
    /// <summary>Writes the error as the client sees it, with one-api's "(request id: …)" suffix.</summary>
    public static byte[] Serialize(RelayError error, string requestId)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", string.IsNullOrEmpty(requestId) ? error.Message : $"{error.Message} (request id: {requestId})");
            writer.WriteString("type", error.Type);
            writer.WriteString("param", error.Param ?? "");
            if (error.Code is null)
            {
                writer.WriteNull("code");
            }
            else
            {
                writer.WriteString("code", error.Code);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an upstream OpenAI-style error body; unknown shapes become one-api's "bad response status code".</summary>
    public static RelayError Parse(int statusCode, ReadOnlySpan<byte> body)
    {
        var fallback = new RelayError(RelayErrorKind.UpstreamStatus, statusCode, $"bad response status code {statusCode}", "upstream_error", "bad_response_status_code", statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("error", out var error))
            {
                return fallback;
            }
            if (error.ValueKind == JsonValueKind.String)
            {
                return fallback with { Message = error.GetString() ?? fallback.Message };
            }
            if (error.ValueKind != JsonValueKind.Object)
            {
                return fallback;
            }
            var message = ReadString(error, "message");
            // Google's APIs say {"error":{"code":403,"status":"PERMISSION_DENIED","details":[{"reason":"API_KEY_INVALID"}]}}
            // (https://cloud.google.com/apis/design/errors): the status stands for the type, the reason for the code.
            var type = ReadString(error, "type") ?? ReadString(error, "status");
            return fallback with
            {
                Message = string.IsNullOrEmpty(message) ? fallback.Message : message,
                Type = type is { Length: > 0 } ? type : fallback.Type,
                Code = GoogleReason(error) ?? ReadString(error, "code") ?? fallback.Code,
                Param = ReadString(error, "param"),
            };
        }
        catch (JsonException)
        {
            return fallback;
        }
    }

    private static string? GoogleReason(JsonElement error) =>
        error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array
            ? details.EnumerateArray().Where(d => d.ValueKind == JsonValueKind.Object).Select(d => ReadString(d, "reason")).FirstOrDefault(r => r is not null)
            : null;

    internal static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
