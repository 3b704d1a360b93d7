using System.Collections.Concurrent;
using System.Security.Cryptography;
using OneApi.Server.Admin;

namespace OneApi.Server.Auth;

/// <summary>
/// Codes sent by email (address verification, password reset), kept in memory for ten minutes as one-api does.
/// A code is good for one use; a newer code for the same address and purpose replaces the older one. A reset code is
/// bound to the account it was issued for, so spending it changes that account only, whatever else shares the address.
/// </summary>
public sealed class VerificationCodes(TimeProvider time)
{
    public const string EmailVerification = "v";
    public const string PasswordReset = "r";
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(string Purpose, string Email), Entry> _codes = new();

    /// <summary>Issues a code of <paramref name="length"/> characters (0: a 32-char UUID, for reset links), for account <paramref name="userId"/> if any.</summary>
    public string Issue(string purpose, string email, int length, int userId = 0)
    {
        var code = length == 0 ? Keys.Uuid() : Keys.RandomString(length);
        _codes[(purpose, UserRules.NormalizeEmail(email))] = new Entry(code, time.GetUtcNow() + Validity, userId);
        return code;
    }

    /// <summary>True, and forgets the code, when it is the live code for this address and purpose.</summary>
    public bool Consume(string purpose, string email, string code) => Consume(purpose, email, code, out _);

    /// <summary>As <see cref="Consume(string, string, string)"/>, also giving the account the code was issued for.</summary>
    public bool Consume(string purpose, string email, string code, out int userId)
    {
        var key = (purpose, UserRules.NormalizeEmail(email));
        userId = 0;
        if (!_codes.TryGetValue(key, out var entry) || entry.Expires < time.GetUtcNow() ||
            !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(entry.Code), System.Text.Encoding.UTF8.GetBytes(code)))
        {
            return false;
        }
        userId = entry.UserId;
        return _codes.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
    }

    private sealed record Entry(string Code, DateTimeOffset Expires, int UserId);
}
