using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OneApi.Server.Configuration;

namespace OneApi.Server.Auth;

/// <summary>
/// The console's login session: cookie <c>session</c> holding the user id and an expiry, signed with HMAC-SHA256
/// under <c>SESSION_SECRET</c>, so every node that shares the secret accepts it. HttpOnly, SameSite=Strict.
/// </summary>
public sealed class SessionCookie(GatewaySettings settings, TimeProvider time)
{
    public const string Name = "session";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    public void Issue(HttpContext context, int userId)
    {
        var expires = time.GetUtcNow() + Lifetime;
        var payload = string.Create(CultureInfo.InvariantCulture, $"{userId}|{expires.ToUnixTimeSeconds()}");
        context.Response.Cookies.Append(Name, $"{Base64Url(Encoding.UTF8.GetBytes(payload))}.{Base64Url(Sign(payload))}", new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            Expires = expires,
        });
    }

    public static void Clear(HttpContext context) => context.Response.Cookies.Delete(Name, new CookieOptions { Path = "/" });

    /// <summary>The user id of a valid, unexpired session cookie.</summary>
    public int? Read(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(Name, out var cookie) || cookie.Split('.') is not [var data, var signature])
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
        if (!CryptographicOperations.FixedTimeEquals(given, Sign(payload)) || payload.Split('|') is not [var id, var expiry])
        {
            return null;
        }
        if (!long.TryParse(expiry, CultureInfo.InvariantCulture, out var expiresAt) || expiresAt < time.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }
        return int.TryParse(id, CultureInfo.InvariantCulture, out var userId) ? userId : null;
    }

    private byte[] Sign(string payload) => HMACSHA256.HashData(settings.SessionSecret, Encoding.UTF8.GetBytes(payload));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
    }
}
