using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OneApi.Data.Entities;
using OneApi.Server.Configuration;

namespace OneApi.Server.Auth;

/// <summary>
/// The console's login session: cookie <c>session</c> holding the user id, the user's session version and an expiry,
/// signed with HMAC-SHA256 under <c>SESSION_SECRET</c>, so every node that shares the secret accepts it.
/// HttpOnly, SameSite=Strict, and Secure on HTTPS requests or with <c>SESSION_COOKIE_SECURE</c>. A cookie is only good while its version is the user's <c>session_version</c>, which
/// logout, a password change and an admin's disable, delete or password reset raise (<see cref="SessionRevocation"/>).
/// </summary>
public sealed class SessionCookie(GatewaySettings settings, TimeProvider time)
{
    public const string Name = "session";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    /// <summary>What a valid session cookie says: whose it is, and which of the user's session versions it belongs to.</summary>
    public readonly record struct Session(int UserId, int Version);

    public void Issue(HttpContext context, User user) =>
        Write(context, Name, string.Create(CultureInfo.InvariantCulture, $"{user.Id}:{user.SessionVersion}"), Lifetime);

    /// <summary>
    /// A short-lived signed cookie beside the session: one-api keeps the OAuth <c>state</c> in its session; ours
    /// holds only the user, so the state rides in its own cookie, bound to this browser by the same signature.
    /// </summary>
    public void IssueValue(HttpContext context, string name, string value, TimeSpan lifetime) => Write(context, name, value, lifetime);

    public string? ReadValue(HttpContext context, string name) => ReadSigned(context, name);

    public static void ClearValue(HttpContext context, string name) => context.Response.Cookies.Delete(name, new CookieOptions { Path = "/" });

    private void Write(HttpContext context, string name, string value, TimeSpan lifetime)
    {
        var expires = time.GetUtcNow() + lifetime;
        var payload = string.Create(CultureInfo.InvariantCulture, $"{value}|{expires.ToUnixTimeSeconds()}");
        context.Response.Cookies.Append(name, $"{Base64Url(Encoding.UTF8.GetBytes(payload))}.{Base64Url(Sign(name, payload))}", new CookieOptions
        {
            HttpOnly = true,
            // Lax, not Strict: the OAuth provider's redirect back to the console is a cross-site navigation.
            SameSite = name == Name ? SameSiteMode.Strict : SameSiteMode.Lax,
            Secure = settings.SessionCookieSecure || context.Request.IsHttps,
            Path = "/",
            Expires = expires,
        });
    }

    public static void Clear(HttpContext context) => context.Response.Cookies.Delete(Name, new CookieOptions { Path = "/" });

    /// <summary>
    /// The signed, unexpired session cookie; whether it is still live is for the caller to check against the user's
    /// <c>session_version</c>. A cookie from before versions existed (the id alone) counts as version 0.
    /// </summary>
    public Session? Read(HttpContext context)
    {
        if (ReadSigned(context, Name) is not { } value)
        {
            return null;
        }
        var (id, version) = value.Split(':') is [var idPart, var versionPart] ? (idPart, versionPart) : (value, "0");
        return int.TryParse(id, CultureInfo.InvariantCulture, out var userId) && int.TryParse(version, CultureInfo.InvariantCulture, out var sessionVersion)
            ? new Session(userId, sessionVersion)
            : null;
    }

    private string? ReadSigned(HttpContext context, string name)
    {
        if (!context.Request.Cookies.TryGetValue(name, out var cookie) || cookie.Split('.') is not [var data, var signature])
        {
            return null;
        }
        string payload;
        byte[] given;
        try
        {
            payload = Encoding.UTF8.GetString(FromBase64Url(data));
            given = FromBase64Url(signature);
        }
        catch (FormatException)
        {
            return null;
        }
        var separator = payload.LastIndexOf('|');
        if (!CryptographicOperations.FixedTimeEquals(given, Sign(name, payload)) || separator < 0)
        {
            return null;
        }
        if (!long.TryParse(payload[(separator + 1)..], CultureInfo.InvariantCulture, out var expiresAt) || expiresAt < time.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }
        return payload[..separator];
    }

    /// <summary>The session is signed over its payload alone (as before other cookies existed); others also over their name.</summary>
    private byte[] Sign(string name, string payload) =>
        HMACSHA256.HashData(settings.SessionSecret, Encoding.UTF8.GetBytes(name == Name ? payload : $"{name}:{payload}"));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
    }
}
