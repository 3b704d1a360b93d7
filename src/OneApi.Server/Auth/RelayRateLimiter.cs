using System.Globalization;
using System.Threading.RateLimiting;
using OneApi.Server.Cluster;
using OneApi.Server.Configuration;
using OneApi.Server.Hosting;

namespace OneApi.Server.Auth;

/// <summary>
/// <c>GLOBAL_RELAY_RATE_LIMIT</c>: relay calls per token per 180 s, counted after authentication under the token's id.
/// Keyed on the header as sent, the limit was escaped by sending the same key another way (<c>x-api-key</c>,
/// lower-case <c>bearer</c>, with or without <c>sk-</c>).
/// </summary>
public sealed class RelayRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<int>? _limiter;

    public RelayRateLimiter(GatewaySettings settings, IWindowLimiters windows)
    {
        if (settings.RelayRateLimit > 0)
        {
            _limiter = PartitionedRateLimiter.Create<int, int>(tokenId => RateLimitPartition.Get(tokenId,
                id => windows.Create("relay:token:" + id.ToString(CultureInfo.InvariantCulture), settings.RelayRateLimit, RateLimits.Window)));
        }
    }

    /// <summary>Null when the call may go on; else the refused lease, which carries the time to wait.</summary>
    public async ValueTask<RateLimitLease?> RefuseAsync(int tokenId, CancellationToken cancellationToken)
    {
        if (_limiter is null)
        {
            return null;
        }
        var lease = await _limiter.AcquireAsync(tokenId, 1, cancellationToken);
        if (lease.IsAcquired)
        {
            lease.Dispose();
            return null;
        }
        return lease;
    }

    public void Dispose() => _limiter?.Dispose();
}
