using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OneApi.Relay.Adaptors.Xunfei;

/// <summary>
/// Xunfei's signed WebSocket URL (https://www.xfyun.cn/doc/spark/general_url_authentication.html): an HMAC-SHA256,
/// keyed with the APISecret, of the <c>host</c>, <c>date</c> and request line, put with the APIKey into a base64
/// <c>authorization</c> query parameter beside <c>date</c> and <c>host</c>. Xunfei accepts a date within 300 s.
/// </summary>
public static class SparkSignature
{
    public static string Date(DateTimeOffset now) => now.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    /// <summary>The base64 <c>authorization</c> value for a GET of <paramref name="path"/> on <paramref name="host"/>.</summary>
    public static string Authorization(string apiKey, string apiSecret, string host, string path, string date)
    {
        var signed = $"host: {host}\ndate: {date}\nGET {path} HTTP/1.1";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiSecret), Encoding.UTF8.GetBytes(signed)));
        var origin = $"api_key=\"{apiKey}\", algorithm=\"hmac-sha256\", headers=\"host date request-line\", signature=\"{signature}\"";
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(origin));
    }

    /// <summary>The address with its signature: <c>?authorization=…&amp;date=…&amp;host=…</c>.</summary>
    public static Uri Sign(Uri address, string apiKey, string apiSecret, DateTimeOffset now)
    {
        var date = Date(now);
        var authorization = Authorization(apiKey, apiSecret, address.Authority, address.AbsolutePath, date);
        var query = $"authorization={Uri.EscapeDataString(authorization)}&date={Uri.EscapeDataString(date)}&host={Uri.EscapeDataString(address.Authority)}";
        return new UriBuilder(address) { Query = query }.Uri;
    }
}
