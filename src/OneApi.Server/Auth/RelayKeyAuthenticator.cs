using System.Net;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Relay.Abstractions;

namespace OneApi.Server.Auth;

/// <summary>
/// one-api's <c>TokenAuth</c>: reads the relay key from <c>Authorization</c> (<c>Bearer</c>, <c>sk-</c> and
/// <c>laisky-</c> prefixes), checks the token and its user, and the admin-only channel pin <c>sk-KEY-&lt;channelId&gt;</c>.
/// </summary>
public sealed class RelayKeyAuthenticator(IDbContextFactory<OneApiDbContext> databases, AccountCache cache, RelayRateLimiter rateLimiter,
    TimeProvider time)
{
    public async Task<(RelayCaller? Caller, RelayError? Error)> AuthenticateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var (key, pinned) = ParseKey(KeyOf(context.Request));
        if (key.Length == 0)
        {
            return (null, RelayError.Unauthorized("no token provided"));
        }

        if (!cache.TryGet(key, out var token, out var user))
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var row = await TokenWithUser(db, key).FirstOrDefaultAsync(cancellationToken);
            if (row is null)
            {
                return (null, RelayError.Unauthorized("invalid token"));
            }
            (token, user) = (row.Token, row.User);
            cache.Put(key, token, user);
        }
        if (await CheckTokenAsync(token, cancellationToken) is { } tokenError)
        {
            return (null, tokenError);
        }
        if (!string.IsNullOrWhiteSpace(token.Subnet) && !AddressAllowed(context.Connection.RemoteIpAddress, token.Subnet))
        {
            return (null, RelayError.Forbidden($"this token may only be used from {token.Subnet}"));
        }
        if (user.Status != UserStatus.Enabled)
        {
            return (null, RelayError.Forbidden("user has been banned"));
        }

        if (Relay.RelayPaths.Contains(context.Request.Path) && await rateLimiter.RefuseAsync(token.Id, cancellationToken) is { } refused)
        {
            using (refused)
            {
                Hosting.RateLimits.SetRetryAfter(context.Response, refused);
            }
            return (null, Hosting.RateLimits.TooManyRequests);
        }

        int? pinnedChannel = null;
        if (pinned is not null)
        {
            if (user.Role < UserRole.Admin)
            {
                return (null, RelayError.Forbidden("Ordinary users do not support specifying channels"));
            }
            if (!int.TryParse(pinned, out var channelId) || channelId <= 0)
            {
                return (null, RelayError.InvalidRequest("invalid channel id in the key", "invalid_channel_id"));
            }
            pinnedChannel = channelId;
        }

        var models = string.IsNullOrWhiteSpace(token.Models)
            ? null
            : token.Models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return (new RelayCaller(user.Id, user.Username, user.Role, user.Group, user.Quota, token.Id, token.Name,
            token.UnlimitedQuota, token.RemainQuota, models, pinnedChannel), null);
    }

    /// <summary>
    /// The key as each vendor's SDKs send it: <c>Authorization</c>; Anthropic's <c>x-api-key</c>
    /// (https://docs.anthropic.com/en/api/overview); Google's <c>x-goog-api-key</c>, or <c>?key=</c> on the Gemini
    /// routes (https://ai.google.dev/api#authentication).
    /// </summary>
    private static string KeyOf(HttpRequest request)
    {
        foreach (var header in (ReadOnlySpan<string>)["Authorization", "x-api-key", "x-goog-api-key"])
        {
            if (request.Headers[header].ToString() is { Length: > 0 } value)
            {
                return value;
            }
        }
        return Relay.RelayPaths.IsGemini(request.Path) ? request.Query["key"].ToString() : "";
    }

    /// <summary>Splits "Bearer sk-KEY-7" into the key and the pinned channel id ("7").</summary>
    public static (string Key, string? PinnedChannel) ParseKey(string header)
    {
        var value = header.Trim();
        if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            value = value[7..].Trim();
        }
        foreach (var prefix in (ReadOnlySpan<string>)["sk-", "laisky-"])
        {
            if (value.StartsWith(prefix, StringComparison.Ordinal))
            {
                value = value[prefix.Length..];
            }
        }
        var parts = value.Split('-');
        return (parts[0], parts.Length > 1 ? parts[1] : null);
    }

    private static IQueryable<TokenAndUser> TokenWithUser(OneApiDbContext db, string key) =>
        db.Tokens.Where(t => t.Key == key).Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new TokenAndUser(t, u));

    private sealed record TokenAndUser(Token Token, User User);

    private async Task<RelayError?> CheckTokenAsync(Token token, CancellationToken cancellationToken)
    {
        switch (token.Status)
        {
            case TokenStatus.Exhausted:
                return RelayError.Unauthorized($"token {token.Name} (#{token.Id}) quota has been used up");
            case TokenStatus.Expired:
                return RelayError.Unauthorized("the token has expired");
            case not TokenStatus.Enabled:
                return RelayError.Unauthorized("the token is disabled");
        }
        if (token.ExpiredTime != -1 && token.ExpiredTime < time.GetUtcNow().ToUnixTimeSeconds())
        {
            await MarkAsync(token, TokenStatus.Expired, cancellationToken);
            return RelayError.Unauthorized("the token has expired");
        }
        // Not marked exhausted, unlike one-api: the balance may be zero only because requests in flight hold it
        // reserved, and their refunds will bring it back.
        if (!token.UnlimitedQuota && token.RemainQuota <= 0)
        {
            return RelayError.Unauthorized($"token {token.Name} (#{token.Id}) quota has been used up");
        }
        return null;
    }

    private async Task MarkAsync(Token token, int status, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.Tokens.Where(t => t.Id == token.Id && t.Status == TokenStatus.Enabled)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, status), cancellationToken);
        cache.Clear();
    }

    public static bool AddressAllowed(IPAddress? address, string subnets)
    {
        if (address is null)
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        foreach (var subnet in subnets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(subnet, out var network) && network.Contains(address))
            {
                return true;
            }
            if (IPAddress.TryParse(subnet, out var single) && single.Equals(address))
            {
                return true;
            }
        }
        return false;
    }
}
