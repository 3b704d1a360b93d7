using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Adaptors.Zhipu;

/// <summary>
/// Zhipu's API token: an HS256 JWT signed with the key's secret, header <c>{"alg":"HS256","sign_type":"SIGN"}</c>,
/// claims <c>api_key</c> (the key's id), <c>exp</c> and <c>timestamp</c> in milliseconds
/// (https://open.bigmodel.cn/dev/api/http-call/http-auth). Made once per key and reused until shortly before it
/// expires, as one-api caches it for a day.
/// </summary>
public sealed class ZhipuTokens(TimeProvider? time = null)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _cache = new();

    public string For(string key)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && now < cached.Expires - RenewBefore)
        {
            return cached.Token;
        }
        var token = Sign(key, now, now + Lifetime);
        _cache[key] = (token, now + Lifetime);
        return token;
    }

    public static string Sign(string key, DateTimeOffset issued, DateTimeOffset expires)
    {
        var parts = key.Split('.');
        if (parts is not [{ Length: > 0 } id, { Length: > 0 } secret])
        {
            throw new RelayErrorException(new RelayError(RelayErrorKind.UpstreamStatus, 401,
                "the Zhipu channel's key must be the API key as id.secret", "zhipu_error", "invalid_api_key"));
        }
        var header = Base64Url("""{"alg":"HS256","sign_type":"SIGN"}"""u8);
        var claims = new JsonObject { ["api_key"] = id, ["exp"] = expires.ToUnixTimeMilliseconds(), ["timestamp"] = issued.ToUnixTimeMilliseconds() };
        var signed = header + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return signed + "." + Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(signed)));
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
