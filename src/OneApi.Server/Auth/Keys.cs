using System.Security.Cryptography;

namespace OneApi.Server.Auth;

/// <summary>Secrets in one-api's formats.</summary>
public static class Keys
{
    private const string Alphanumerics = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>A 48-char relay key: 16 random alphanumerics, then a dashless UUID with letters at even positions upper-cased.</summary>
    public static string NewTokenKey()
    {
        var uuid = Uuid().ToCharArray();
        for (var i = 0; i < uuid.Length; i += 2)
        {
            uuid[i] = char.ToUpperInvariant(uuid[i]);
        }
        return RandomString(16) + new string(uuid);
    }

    /// <summary>A 32-char access token or redemption code: a UUID without dashes.</summary>
    public static string Uuid() => Guid.NewGuid().ToString("N");

    public static string RandomString(int length) => RandomNumberGenerator.GetString(Alphanumerics, length);
}
