using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OneApi.Relay.Adaptors.Tencent;

/// <summary>
/// Tencent Cloud API 3.0's TC3-HMAC-SHA256 (https://www.tencentcloud.com/document/api/1729/101843): a canonical
/// POST to <c>/</c> with the signed headers (lower-cased, sorted) and the body's SHA-256, signed with a key derived
/// from the SecretKey, the UTC date and the service.
/// </summary>
public static class TencentSignature
{
    private const string Algorithm = "TC3-HMAC-SHA256";

    /// <summary>The <c>Authorization</c> header value.</summary>
    public static string Authorization(string secretId, string secretKey, string service, long timestamp,
        IEnumerable<(string Name, string Value)> headers, ReadOnlySpan<byte> payload)
    {
        var signed = headers.Select(h => (Name: h.Name.ToLowerInvariant(), Value: h.Value.Trim().ToLowerInvariant()))
            .OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
        var signedHeaders = string.Join(';', signed.Select(h => h.Name));
        var canonicalHeaders = string.Concat(signed.Select(h => $"{h.Name}:{h.Value}\n"));
        var canonicalRequest = $"POST\n/\n\n{canonicalHeaders}\n{signedHeaders}\n{Hex(SHA256.HashData(payload))}";
        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var scope = $"{date}/{service}/tc3_request";
        var stringToSign = $"{Algorithm}\n{timestamp}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("TC3" + secretKey), date), service), "tc3_request");
        return $"{Algorithm} Credential={secretId}/{scope}, SignedHeaders={signedHeaders}, Signature={Hex(Hmac(key, stringToSign))}";
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
