using System.Collections.Concurrent;
using OneApi.Data.Entities;
using OneApi.Server.Cluster;
using OneApi.Server.Configuration;

namespace OneApi.Server.Auth;

/// <summary>
/// Relay keys and their users as last read, kept for <c>TOKEN_CACHE_SECONDS</c> so a busy key costs one query a
/// second instead of one per request. Quota is still taken atomically in the database; the cached figures only
/// decide one-api's "trust" shortcut. Any change made through <c>/api</c> on any node empties the cache at once.
/// </summary>
public sealed class AccountCache(GatewaySettings settings, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string key, out Token token, out User user)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAt > time.GetTimestamp())
        {
            (token, user) = (entry.Token, entry.User);
            return true;
        }
        (token, user) = (null!, null!);
        return false;
    }

    public void Put(string key, Token token, User user)
    {
        if (settings.TokenCacheTime <= TimeSpan.Zero)
        {
            return;
        }
        if (_entries.Count > 100_000)
        {
            _entries.Clear(); // bounded: a flood of distinct keys cannot grow it without limit
        }
        var expiresAt = time.GetTimestamp() + (long)(settings.TokenCacheTime.TotalSeconds * time.TimestampFrequency);
        _entries[key] = new Entry(token, user, expiresAt);
    }

    public void Clear() => _entries.Clear();

    private sealed record Entry(Token Token, User User, long ExpiresAt);
}

public static class AccountCacheReset
{
    /// <summary>
    /// Middleware: a successful change through <c>/api</c> (a token, a user, a top-up) is seen by the very next relay
    /// call, on this node and, through <see cref="IClusterSignals"/>, on the others. Only a change by a caller the
    /// gateway authenticated counts: anyone's unauthenticated POSTs (a failed login) must not be able to empty every
    /// node's cache and send each relay call to the database.
    /// </summary>
    public static IApplicationBuilder UseAccountCacheReset(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        await next(context);
        if (!HttpMethods.IsGet(context.Request.Method) && context.Request.Path.StartsWithSegments("/api") &&
            context.Response.StatusCode is >= 200 and < 300 && IsAuthenticated(context))
        {
            context.RequestServices.GetRequiredService<AccountCache>().Clear();
            await context.RequestServices.GetRequiredService<IClusterSignals>().PublishAsync(ClusterChange.Accounts, CancellationToken.None);
        }
    });

    /// <summary>Whether a route's filter accepted the caller: a management user (<see cref="ApiCaller"/>) or a relay key (<see cref="RelayCaller"/>).</summary>
    private static bool IsAuthenticated(HttpContext context) => context.Items.Values.Any(item => item is ApiCaller or RelayCaller);
}
