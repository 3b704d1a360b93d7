using OneApi.Relay.Abstractions;

namespace OneApi.Server.Channels;

/// <summary>
/// When an upstream error means the channel's account itself is unusable (bad key, no credit, banned organisation),
/// as opposed to a passing failure or a bad request. Used by the relay and by channel tests alike.
/// <para>
/// Only the status and the provider's error type or code decide, never words inside a message: upstreams quote the
/// client's own input in validation errors, so one-api's phrase matching ("credit", "balance"…) let any user switch a
/// shared channel off for everyone with a request whose bad field value held such a word.
/// </para>
/// </summary>
public static class ChannelDisablePolicy
{
    /// <summary>
    /// Error types meaning the account cannot be used: OpenAI's <c>insufficient_quota</c>
    /// (https://platform.openai.com/docs/guides/error-codes), Anthropic's <c>authentication_error</c>,
    /// <c>permission_error</c> and <c>billing_error</c> (https://docs.anthropic.com/en/api/errors), Google's
    /// <c>PERMISSION_DENIED</c> and <c>UNAUTHENTICATED</c> (https://cloud.google.com/apis/design/errors).
    /// </summary>
    private static readonly HashSet<string> FatalTypes = new(StringComparer.Ordinal)
    {
        "insufficient_quota", "authentication_error", "permission_error", "billing_error", "forbidden",
        "PERMISSION_DENIED", "UNAUTHENTICATED",
    };

    /// <summary>
    /// Error codes meaning the same: OpenAI's key, billing and account codes, AWS's access exceptions
    /// (https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html) and Google's <c>API_KEY_INVALID</c>.
    /// </summary>
    private static readonly HashSet<string> FatalCodes = new(StringComparer.Ordinal)
    {
        "insufficient_quota", "invalid_api_key", "account_deactivated", "billing_not_active", "billing_hard_limit_reached",
        "access_terminated", "organization_deactivated", "AccessDeniedException", "UnrecognizedClientException",
        "API_KEY_INVALID", "PERMISSION_DENIED",
    };

    /// <summary>
    /// Anthropic reports an empty prepaid balance as a 400 <c>invalid_request_error</c> with this exact message (its
    /// SDK issue anthropic-sdk-typescript#618 asks for a 402 instead). Only the whole message counts: a validation
    /// error quoting the client's text always adds its own words around it.
    /// </summary>
    private const string AnthropicCreditTooLow =
        "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.";

    public static bool ShouldDisable(RelayError error)
    {
        if (error.Kind != RelayErrorKind.UpstreamStatus)
        {
            return false;
        }
        return error.StatusCode is 401 or 403
            || FatalTypes.Contains(error.Type)
            || (error.Code is { } code && FatalCodes.Contains(code))
            || (error.StatusCode == 400 && error.Type == "invalid_request_error" && error.Message.Trim() == AnthropicCreditTooLow);
    }
}
