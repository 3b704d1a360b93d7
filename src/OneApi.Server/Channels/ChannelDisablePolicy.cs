using OneApi.Relay.Abstractions;

namespace OneApi.Server.Channels;

/// <summary>
/// one-api's <c>ShouldDisableChannel</c>: the upstream errors that mean the account itself is unusable (bad key,
/// no credit, banned organisation), as opposed to a passing failure.
/// </summary>
public static class ChannelDisablePolicy
{
    private static readonly string[] FatalTypes = ["insufficient_quota", "authentication_error", "permission_error", "forbidden"];
    private static readonly string[] FatalCodes = ["invalid_api_key", "account_deactivated"];
    private static readonly string[] FatalPhrases =
    [
        "your access was terminated", "violation of our policies", "your credit balance is too low",
        "organization has been disabled", "credit", "balance", "permission denied", "organization has been restricted",
        "api key not valid", "api key expired", "已欠费",
    ];

    public static bool ShouldDisable(RelayError error)
    {
        if (error.Kind != RelayErrorKind.UpstreamStatus)
        {
            return false;
        }
        if (error.StatusCode == 401 || FatalTypes.Contains(error.Type) || (error.Code is { } code && FatalCodes.Contains(code)))
        {
            return true;
        }
        var message = error.Message.ToLowerInvariant();
        return FatalPhrases.Any(message.Contains);
    }
}
