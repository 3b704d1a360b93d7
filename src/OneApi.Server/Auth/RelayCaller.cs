namespace OneApi.Server.Auth;

/// <summary>Who is calling the relay: the token used and the user it belongs to, as read at the start of the request.</summary>
public sealed record RelayCaller(
    int UserId,
    string Username,
    int Role,
    string Group,
    long UserQuota,
    int TokenId,
    string TokenName,
    bool TokenUnlimited,
    long TokenRemainQuota,
    IReadOnlySet<string>? AllowedModels,
    int? PinnedChannelId);
