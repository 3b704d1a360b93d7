using System.Globalization;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Baidu;

/// <summary>
/// Baidu's <c>{"error_code": 110, "error_msg": "…"}</c>, mostly sent with status 200, as OpenAI-style errors with the
/// status the code stands for (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/tlmyncueh).
/// </summary>
public static class ErnieErrors
{
    public const string Type = "baidu_error";

    /// <summary>110 "Access token invalid or no longer valid", 111 "Access token expired": a new token is needed.</summary>
    private static readonly string[] StaleTokenCodes = ["110", "111"];

    public static bool IsStaleToken(RelayError error) => error.Type == Type && StaleTokenCodes.Contains(error.Code);

    /// <summary>The error an answer object carries, or null when it has none.</summary>
    public static RelayError? Of(JsonObject? answer) =>
        JsonWire.Int(answer?["error_code"]) is { } code and not 0 ? Error(code, JsonWire.String(answer!["error_msg"])) : null;

    /// <summary>An error answer with a failing status: Baidu's shape when it has one, else the status alone.</summary>
    public static RelayError Read(int statusCode, ReadOnlySpan<byte> body) =>
        Of(JsonWire.Parse(body)) ?? new RelayError(RelayErrorKind.UpstreamStatus, statusCode, $"Baidu answered {statusCode}", Type);

    private static RelayError Error(int code, string? message) =>
        new(RelayErrorKind.UpstreamStatus, StatusOf(code), message ?? $"Baidu error {code}", Type, code.ToString(CultureInfo.InvariantCulture));

    private static int StatusOf(int code) => code switch
    {
        2 or 336100 => 503,
        4 or 17 or 18 or 19 or 336501 or 336502 => 429,
        6 or 15 or 336004 => 403,
        13 or 14 or 110 or 111 => 401,
        3 or 336005 => 404,
        100 or (>= 336001 and < 336100) or 336103 or 336104 or 336105 => 400,
        _ => 500,
    };
}
