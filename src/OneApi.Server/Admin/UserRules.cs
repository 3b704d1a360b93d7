using System.Net.Mail;
using OneApi.Data.Entities;

namespace OneApi.Server.Admin;

/// <summary>one-api's limits on user fields and the rules between roles.</summary>
public static class UserRules
{
    public const int MaxUsernameLength = 12;
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 20;
    public const int MaxDisplayNameLength = 20;
    public const int MaxEmailLength = 50;
    public const int MaxGroupLength = 32;
    public const string EmailInUse = "the email address is already in use";

    /// <summary>An admin acts only on users of a lower role; root acts on everyone (its own protection is per action).</summary>
    public static bool CanManage(int callerRole, int targetRole) => callerRole > targetRole || callerRole == UserRole.Root;

    /// <summary>Nobody but root hands out a role at or above their own.</summary>
    public static bool CanGrant(int callerRole, int role) => role < callerRole || callerRole == UserRole.Root;

    public static bool IsKnownRole(int role) => role is UserRole.Guest or UserRole.Common or UserRole.Admin or UserRole.Root;

    /// <summary>The first problem with the fields given (null ones are not checked), or null when all are valid.</summary>
    public static string? Check(string? username = null, string? password = null, string? displayName = null, string? email = null,
        string? group = null)
    {
        if (username is { Length: > MaxUsernameLength })
        {
            return $"username must be at most {MaxUsernameLength} characters";
        }
        if (password is { } p && (p.Length < MinPasswordLength || p.Length > MaxPasswordLength))
        {
            return $"password must be {MinPasswordLength} to {MaxPasswordLength} characters";
        }
        if (displayName is { Length: > MaxDisplayNameLength })
        {
            return $"display name must be at most {MaxDisplayNameLength} characters";
        }
        if (!string.IsNullOrEmpty(email) && (email.Length > MaxEmailLength || !IsEmail(email)))
        {
            return $"email must be a valid address of at most {MaxEmailLength} characters";
        }
        if (group is { Length: > MaxGroupLength })
        {
            return $"group must be at most {MaxGroupLength} characters";
        }
        return null;
    }

    /// <summary>
    /// Addresses are stored trimmed and in lower case, so one mailbox cannot belong to two accounts by a change of case.
    /// (Strictly the local part may be case-sensitive; no mail provider in use treats it so.)
    /// </summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static bool IsEmail(string email) =>
        MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && email.Contains('.', StringComparison.Ordinal);
}
