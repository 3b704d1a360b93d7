using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace OneApi.Server.Auth;

/// <summary>
/// Codes sent by email (address verification, password reset), kept in memory for ten minutes as one-api does.
/// A code is good for one use; a newer code for the same address and purpose replaces the older one.
/// </summary>
public sealed class VerificationCodes(TimeProvider time)
{
    public const string EmailVerification = "v";
    public const string PasswordReset = "r";
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(string Purpose, string Email), (string Code, DateTimeOffset Expires)> _codes = new();

    /// <summary>Issues a code of <paramref name="length"/> characters (0: a 32-char UUID, for reset links).</summary>
    public string Issue(string purpose, string email, int length)
    {
        var code = length == 0 ? Keys.Uuid() : Keys.RandomString(length);
        _codes[(purpose, Normalize(email))] = (code, time.GetUtcNow() + Validity);
        return code;
    }

    /// <summary>True, and forgets the code, when it is the live code for this address and purpose.</summary>
    public bool Consume(string purpose, string email, string code)
    {
        var key = (purpose, Normalize(email));
        if (!_codes.TryGetValue(key, out var entry) || entry.Expires < time.GetUtcNow() ||
            !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(entry.Code), System.Text.Encoding.UTF8.GetBytes(code)))
        {
            return false;
        }
        return _codes.TryRemove(new KeyValuePair<(string, string), (string, DateTimeOffset)>(key, entry));
    }

    private static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
