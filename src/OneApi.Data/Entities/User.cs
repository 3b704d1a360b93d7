namespace OneApi.Data.Entities;

/// <summary>A row of one-api's <c>users</c> table.</summary>
public sealed class User
{
    public int Id { get; set; }
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public int Role { get; set; } = UserRole.Common;
    public int Status { get; set; } = UserStatus.Enabled;
    public string Email { get; set; } = "";
    public string GitHubId { get; set; } = "";
    public string WeChatId { get; set; } = "";
    public string LarkId { get; set; } = "";
    public string OidcId { get; set; } = "";
    /// <summary>32-char access token for the management API; null until generated (unique index).</summary>
    public string? AccessToken { get; set; }
    public long Quota { get; set; }
    public long UsedQuota { get; set; }
    public int RequestCount { get; set; }
    public string Group { get; set; } = "default";
    /// <summary>Invite code; null until generated (unique index).</summary>
    public string? AffCode { get; set; }
    public int InviterId { get; set; }
    /// <summary>
    /// Not in one-api: raised to end every login session of the user (logout, password change, disable, delete).
    /// A session cookie carries the version it was issued under and is refused once it differs.
    /// </summary>
    public int SessionVersion { get; set; }
}

public static class UserRole
{
    public const int Guest = 0;
    public const int Common = 1;
    public const int Admin = 10;
    public const int Root = 100;
}

public static class UserStatus
{
    public const int Enabled = 1;
    public const int Disabled = 2;
    public const int Deleted = 3;
}
