using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Anthropic;

/// <summary>
/// Claude's error body, <c>{"type":"error","error":{"type","message"}}</c> (https://docs.anthropic.com/en/api/errors),
/// read from an error answer or from an <c>error</c> event in the middle of a stream.
/// </summary>
public static class AnthropicErrors
{
    public static RelayError Read(int statusCode, ReadOnlySpan<byte> body)
    {
        var error = OpenAIError.Parse(statusCode, body);
        return error.Code == "bad_response_status_code" && error.Type != "upstream_error"
            ? error with { Code = error.Type }
            : error;
    }

    /// <summary>The error of a stream <c>error</c> event, with the status Anthropic documents for its type.</summary>
    public static RelayError FromEvent(JsonObject errorEvent)
    {
        var type = JsonWire.String((errorEvent["error"] as JsonObject)?["type"]) ?? "api_error";
        return Read(StatusOf(type), JsonWire.Serialize(errorEvent));
    }

    public static int StatusOf(string type) => type switch
    {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "billing_error" => 402,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "overloaded_error" => 529,
        _ => 500,
    };

    /// <summary>Claude's error type for a status, for errors the gateway writes in Claude's format.</summary>
    public static string TypeOf(int status) => status switch
    {
        400 or 422 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 or 503 => "overloaded_error",
        _ => "api_error",
    };
}
