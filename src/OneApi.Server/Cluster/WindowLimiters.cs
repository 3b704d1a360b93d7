using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using OneApi.Server.Configuration;
using StackExchange.Redis;

namespace OneApi.Server.Cluster;

/// <summary>Makes the fixed-window limiter behind one rate-limit partition (an IP or a relay key).</summary>
public interface IWindowLimiters
{
    RateLimiter Create(string key, int permits, TimeSpan window);
}

/// <summary>Counts in this process: the limit holds per node.</summary>
public sealed class LocalWindowLimiters : IWindowLimiters
{
    public RateLimiter Create(string key, int permits, TimeSpan window) => new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
    });
}

/// <summary>Counts in Redis, so every node shares one window per key. When Redis fails, requests pass (with a warning).</summary>
public sealed partial class RedisWindowLimiters(IConnectionMultiplexer redis, RedisSettings settings, TimeProvider time,
    ILogger<RedisWindowLimiters> logger) : IWindowLimiters
{
    // INCR and the expiry in one step, so a crash between them cannot leave a counter that never resets.
    private const string CountScript = """
        local count = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return {count, ttl}
        """;

    private TimeProvider Time => time;

    public RateLimiter Create(string key, int permits, TimeSpan window) =>
        new Limiter(this, settings.KeyPrefix + "rl:" + Hash(key), permits, window);

    // Relay keys are secrets: Redis only sees a digest of the partition name.
    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));

    private async ValueTask<RateLimitLease> CountAsync(string redisKey, int permits, TimeSpan window)
    {
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(CountScript, [redisKey], [(long)window.TotalMilliseconds]))!;
            var count = (long)result[0];
            return count <= permits ? Lease.Acquired : new Lease(false, TimeSpan.FromMilliseconds(Math.Max(1, (long)result[1])));
        }
        catch (Exception e) when (e is RedisException or TimeoutException or InvalidCastException)
        {
            LogCountFailed(logger, e);
            return Lease.Acquired;
        }
    }

    [LoggerMessage(EventId = 903, Level = LogLevel.Warning, Message = "rate-limit counter in Redis unavailable; letting the request through")]
    private static partial void LogCountFailed(ILogger logger, Exception exception);

    private sealed class Limiter(RedisWindowLimiters owner, string redisKey, int permits, TimeSpan window) : RateLimiter
    {
        private long _lastUsed = owner.Time.GetTimestamp();

        public override TimeSpan? IdleDuration => owner.Time.GetElapsedTime(Volatile.Read(ref _lastUsed));

        public override RateLimiterStatistics? GetStatistics() => null;

        // The count lives in Redis, which cannot be asked synchronously: the middleware then calls AcquireAsync.
        protected override RateLimitLease AttemptAcquireCore(int permitCount) => permitCount == 0 ? Lease.Acquired : Lease.NotYet;

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            Volatile.Write(ref _lastUsed, owner.Time.GetTimestamp());
            return permitCount == 0 ? ValueTask.FromResult<RateLimitLease>(Lease.Acquired) : owner.CountAsync(redisKey, permits, window);
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null);
        public static readonly Lease NotYet = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
