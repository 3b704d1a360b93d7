namespace OneApi.Relay.Abstractions;

/// <summary>Where a relay failed. Decides the status the client sees, whether quota is refunded and whether another channel may be tried.</summary>
public enum RelayErrorKind
{
    /// <summary>The client's request is unusable (malformed JSON, missing model, too large).</summary>
    InvalidRequest,
    /// <summary>The relay key is missing, unknown, disabled, expired or exhausted.</summary>
    Unauthorized,
    /// <summary>The key is valid but may not do this (model or address not allowed, channel pinning).</summary>
    Forbidden,
    /// <summary>The user or token cannot pay for the request.</summary>
    InsufficientQuota,
    /// <summary>No enabled channel serves the model for the user's group.</summary>
    NoChannel,
    /// <summary>The upstream could not be reached (DNS, refused, reset before an answer).</summary>
    UpstreamUnreachable,
    /// <summary>The upstream did not answer within <c>RELAY_TIMEOUT</c>.</summary>
    UpstreamTimeout,
    /// <summary>The upstream answered with a non-success status.</summary>
    UpstreamStatus,
    /// <summary>The upstream answered 2xx with something that is not the expected format.</summary>
    UpstreamMalformed,
    /// <summary>The client went away before the answer was complete.</summary>
    ClientDisconnected,
    /// <summary>The endpoint exists in OpenAI's API but this gateway does not relay it.</summary>
    NotImplemented,
    /// <summary>The gateway's own database could not be reached, so nothing could be reserved or charged.</summary>
    GatewayUnavailable,
}

/// <summary>A relay failure as a value: what the client is told and what the pipeline does about it.</summary>
public sealed record RelayError(RelayErrorKind Kind, int StatusCode, string Message, string Type, string? Code = null, string? Param = null)
{
    public const string OneApiType = "one_api_error";

    /// <summary>Failures of the upstream that another channel might not have.</summary>
    public bool IsUpstreamFailure => Kind is RelayErrorKind.UpstreamUnreachable or RelayErrorKind.UpstreamTimeout
        or RelayErrorKind.UpstreamStatus or RelayErrorKind.UpstreamMalformed;

    public static RelayError InvalidRequest(string message, string code = "invalid_request") =>
        new(RelayErrorKind.InvalidRequest, 400, message, "invalid_request_error", code);

    public static RelayError PayloadTooLarge(long limit) =>
        new(RelayErrorKind.InvalidRequest, 413, $"request body is larger than the limit of {limit} bytes", "invalid_request_error", "request_too_large");

    public static RelayError Unauthorized(string message) => new(RelayErrorKind.Unauthorized, 401, message, OneApiType);

    public static RelayError Forbidden(string message) => new(RelayErrorKind.Forbidden, 403, message, OneApiType);

    public static RelayError InsufficientQuota(string message, string code) =>
        new(RelayErrorKind.InsufficientQuota, 403, message, OneApiType, code);

    public static RelayError NoChannel(string model, string group) =>
        new(RelayErrorKind.NoChannel, 503, $"No available channels for Model {model} under Group {group}", OneApiType, "model_not_found");

    public static RelayError UpstreamUnreachable(string detail) =>
        new(RelayErrorKind.UpstreamUnreachable, 502, $"upstream unreachable: {detail}", OneApiType, "upstream_unreachable");

    public static RelayError UpstreamTimeout() =>
        new(RelayErrorKind.UpstreamTimeout, 504, "upstream did not answer in time", OneApiType, "upstream_timeout");

    public static RelayError UpstreamMalformed(string detail) =>
        new(RelayErrorKind.UpstreamMalformed, 502, $"upstream answered in an unexpected format: {detail}", OneApiType, "bad_response");

    public static RelayError GatewayUnavailable() =>
        new(RelayErrorKind.GatewayUnavailable, 503, "the gateway's database is unavailable, please try again", OneApiType, "gateway_unavailable");

    public static RelayError Overloaded() =>
        new(RelayErrorKind.GatewayUnavailable, 503, "the gateway is at capacity, please retry shortly", OneApiType, "gateway_overloaded");

    public static RelayError NotImplemented() =>
        new(RelayErrorKind.NotImplemented, 501, "API not implemented", OneApiType, "api_not_implemented");
}

/// <summary>
/// Thrown by an adaptor that cannot build an upstream request from the client's (e.g. Claude thinking with too few
/// <c>max_tokens</c>); the pipeline answers with <see cref="Error"/> instead of calling the upstream.
/// </summary>
public sealed class RelayErrorException(RelayError error) : Exception(error.Message)
{
    public RelayError Error { get; } = error;
}
