using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OneApi.Data;
using OneApi.Relay.Images;
using StackExchange.Redis;

namespace OneApi.Server.Configuration;

/// <summary>The gateway's start-up settings, read from one-api's environment variables. Invalid values stop the start.</summary>
public sealed class GatewaySettings
{
    public int Port { get; init; } = 3000;
    public required DatabaseSettings Database { get; init; }

    /// <summary>The database of <c>LOG_SQL_DSN</c>, which then holds the <c>logs</c> table; null keeps logs in <see cref="Database"/>.</summary>
    public DatabaseSettings? LogDatabase { get; init; }
    /// <summary>Key for signing session cookies; random per start when <c>SESSION_SECRET</c> is unset (sessions then end on restart).</summary>
    public required byte[] SessionSecret { get; init; }
    /// <summary><c>SESSION_COOKIE_SECURE</c>: mark cookies Secure even on plain-HTTP requests (TLS ends at a proxy in front).</summary>
    public bool SessionCookieSecure { get; init; }
    /// <summary>
    /// <c>SMTP_ALLOW_INSECURE</c>: one-api's mail behaviour, plaintext when the server offers no STARTTLS and any
    /// certificate accepted (unless <c>FORCE_EMAIL_TLS_VERIFY</c>). Off by default: TLS is required and verified.
    /// </summary>
    public bool SmtpAllowInsecure { get; init; }
    /// <summary>Whether the SMTP server's certificate is checked: unless <c>SMTP_ALLOW_INSECURE</c>, or with <c>FORCE_EMAIL_TLS_VERIFY</c>.</summary>
    public bool SmtpVerifyCertificates { get; init; } = true;
    /// <summary><c>OPENAPI_PUBLIC</c>: serve <c>/openapi/v1.json</c> and <c>/swagger</c> to anyone, not only to admins.</summary>
    public bool OpenApiPublic { get; init; }
    public string? InitialRootToken { get; init; }
    public string? InitialRootAccessToken { get; init; }
    /// <summary>Upstream timeout; null means none (<c>RELAY_TIMEOUT</c>=0).</summary>
    public TimeSpan? RelayTimeout { get; init; }
    public bool EnforceIncludeUsage { get; init; } = true;
    /// <summary><c>OPENROUTER_PROVIDER_SORT</c>: OpenRouter's <c>provider.sort</c> for requests that set none.</summary>
    public string OpenRouterProviderSort { get; init; } = "";
    /// <summary>What fetching images a client names by URL may cost (<c>USER_CONTENT_*</c>).</summary>
    public UserContentLimits UserContentLimits { get; init; } = new();
    /// <summary><c>USER_CONTENT_REQUEST_PROXY</c>: the operator's proxy for those fetches; null fetches directly.</summary>
    public Uri? UserContentProxy { get; init; }
    /// <summary><c>USER_CONTENT_ALLOWED_HOSTS</c>: destinations that are not public but may be fetched from all the same.</summary>
    public IReadOnlyList<AllowedDestination> UserContentAllowedHosts { get; init; } = [];
    /// <summary><c>GEMINI_SAFETY_SETTING</c>: the threshold sent to Gemini for every harm category.</summary>
    public string GeminiSafetySetting { get; init; } = "BLOCK_NONE";
    /// <summary><c>REPLICATE_POLL_TIMEOUT</c>: how long a Replicate prediction is polled before it is canceled and the request answered 504.</summary>
    public TimeSpan ReplicatePollTimeout { get; init; } = TimeSpan.FromSeconds(300);
    /// <summary><c>GEMINI_VERSION</c>: the API version of Google AI Studio's URLs when a channel's config names none.</summary>
    public string GeminiVersion { get; init; } = "v1beta";
    public long MaxRequestBodyBytes { get; init; } = 32L * 1024 * 1024;
    /// <summary><c>BODY_MEMORY_MB</c>: relay request bodies held in memory at once; more wait their turn (see <see cref="Relay.BodyMemoryBudget"/>).</summary>
    public long BodyMemoryBytes { get; init; } = 64L * 1024 * 1024;
    /// <summary>How often the channel and option snapshots are reloaded from the database (<c>SYNC_FREQUENCY</c>).</summary>
    public TimeSpan SyncFrequency { get; init; } = TimeSpan.FromSeconds(600);
    /// <summary>A stream that sends nothing for this long is ended (<c>IDLE_TIMEOUT</c>).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// After a client hangs up, how long the upstream answer is still read for its usage (<c>DISCONNECT_USAGE_WAIT</c>):
    /// the provider bills what it generated, so the caller is billed the same.
    /// </summary>
    public TimeSpan DisconnectUsageWait { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan SuspendFor429 { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan SuspendFor5xx { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan SuspendForAuth { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Requests per IP per 180 s to <c>/api</c> (<c>GLOBAL_API_RATE_LIMIT</c>).</summary>
    public int ApiRateLimit { get; init; } = 480;
    /// <summary>Requests per IP per 180 s to the web console (<c>GLOBAL_WEB_RATE_LIMIT</c>).</summary>
    public int WebRateLimit { get; init; } = 240;
    /// <summary>Login, registration and password-reset attempts per IP per 20 minutes (<c>CRITICAL_RATE_LIMIT</c>).</summary>
    public int CriticalRateLimit { get; init; } = 20;
    /// <summary>Relay requests per key per 180 s (<c>GLOBAL_RELAY_RATE_LIMIT</c>); 0 means no limit.</summary>
    public int RelayRateLimit { get; init; }
    /// <summary>How long a relay key's token and user rows are reused before being read again (<c>TOKEN_CACHE_SECONDS</c>).</summary>
    public TimeSpan TokenCacheTime { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Set when <c>BATCH_UPDATE_ENABLED</c>: settlements are written every <c>BATCH_UPDATE_INTERVAL</c> instead of before the answer.</summary>
    public TimeSpan? BatchUpdateInterval { get; init; }
    /// <summary>The success-rate monitor (<c>ENABLE_METRIC</c>); null when off.</summary>
    public MetricSettings? Metric { get; init; }
    /// <summary>How long a stopping server lets requests in flight finish (<c>SHUTDOWN_TIMEOUT</c>).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long a stopping server keeps serving while <c>/readyz</c> says it is not ready (<c>SHUTDOWN_DRAIN_SECONDS</c>).</summary>
    public TimeSpan DrainDelay { get; init; }
    /// <summary>The Redis shared by all nodes (<c>REDIS_CONN_STRING</c>); null runs the node on its own.</summary>
    public RedisSettings? Redis { get; init; }
    /// <summary>Where log files go besides the console (<c>--log-dir</c> or <c>LOG_DIR</c>); null writes none.</summary>
    public string? LogDirectory { get; init; }
    /// <summary>One JSON object per log line (<c>LOG_FORMAT=json</c>) instead of text.</summary>
    public bool JsonLogs { get; init; }
    /// <summary>
    /// False for <c>NODE_TYPE=slave</c>: the node neither prepares the schema nor creates the root account, and leaves the
    /// jobs that must run once per deployment (scheduled channel tests, the request-cost purge) to the master.
    /// </summary>
    public bool IsMasterNode { get; init; } = true;
    /// <summary><c>FRONTEND_BASE_URL</c>: on a slave, console pages are redirected there (Laisky's one-api).</summary>
    public string? FrontendBaseUrl { get; init; }
    /// <summary><c>RELAY_PROXY</c>: the HTTP proxy upstream calls go through.</summary>
    public Uri? RelayProxy { get; init; }
    /// <summary>Metrics for Prometheus at <c>/metrics</c> (<c>ENABLE_PROMETHEUS_METRICS</c>).</summary>
    public bool PrometheusMetrics { get; init; }
    /// <summary>When set, <c>/metrics</c> wants <c>Authorization: Bearer</c> this (<c>METRICS_TOKEN</c>).</summary>
    public string? MetricsToken { get; init; }
    /// <summary>Spans go to an OTLP endpoint: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>…_TRACES_ENDPOINT</c> is set, and <c>OTEL_SDK_DISABLED</c> is not.</summary>
    public bool OtlpTraces { get; init; }

    public static GatewaySettings From(IConfiguration config)
    {
        var reader = new EnvReader(config);
        var sqlitePath = reader.String("SQLITE_PATH") ?? "one-api.db";
        var busyTimeout = reader.Int("SQLITE_BUSY_TIMEOUT", 3000, min: 0);
        var maxOpenConnections = reader.Int("SQL_MAX_OPEN_CONNS", 100, min: 1, max: 10_000);
        return new GatewaySettings
        {
            Port = reader.Int("PORT", 3000, min: 0, max: 65535),
            Database = DatabaseSettings.Choose(reader.String("SQL_DSN"), sqlitePath, busyTimeout)
                with { MaxOpenConnections = maxOpenConnections },
            LogDatabase = reader.String("LOG_SQL_DSN") is { } logDsn
                ? DatabaseSettings.Choose(logDsn, sqlitePath, busyTimeout) with { MaxOpenConnections = maxOpenConnections }
                : null,
            SessionSecret = SessionSecretFrom(reader.String("SESSION_SECRET")),
            SessionCookieSecure = reader.Bool("SESSION_COOKIE_SECURE", false),
            SmtpAllowInsecure = reader.Bool("SMTP_ALLOW_INSECURE", false),
            OpenApiPublic = reader.Bool("OPENAPI_PUBLIC", false),
            SmtpVerifyCertificates = !reader.Bool("SMTP_ALLOW_INSECURE", false) || reader.Bool("FORCE_EMAIL_TLS_VERIFY", false),
            InitialRootToken = reader.Key("INITIAL_ROOT_TOKEN", 48),
            InitialRootAccessToken = reader.Key("INITIAL_ROOT_ACCESS_TOKEN", 32),
            RelayTimeout = reader.Int("RELAY_TIMEOUT", 0, min: 0) is var seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null,
            EnforceIncludeUsage = reader.Bool("ENFORCE_INCLUDE_USAGE", true),
            OpenRouterProviderSort = reader.String("OPENROUTER_PROVIDER_SORT") ?? "",
            UserContentLimits = new UserContentLimits
            {
                Timeout = TimeSpan.FromSeconds(reader.Int("USER_CONTENT_REQUEST_TIMEOUT", 30, min: 1)),
                MaxImages = reader.Int("USER_CONTENT_MAX_IMAGES", 20, min: 0),
                MaxImageBytes = reader.Int("USER_CONTENT_MAX_IMAGE_MB", 5, min: 1, max: 1024) * 1024L * 1024L,
                MaxRequestBytes = reader.Int("USER_CONTENT_MAX_REQUEST_MB", 20, min: 1, max: 2048) * 1024L * 1024L,
                FetchesPerRequest = reader.Int("USER_CONTENT_FETCHES_PER_REQUEST", 4, min: 1, max: 256),
                FetchesAtOnce = reader.Int("USER_CONTENT_MAX_CONCURRENT_FETCHES", 32, min: 1, max: 10_000),
            },
            UserContentProxy = reader.ProxyUrl("USER_CONTENT_REQUEST_PROXY"),
            UserContentAllowedHosts = reader.Destinations("USER_CONTENT_ALLOWED_HOSTS"),
            GeminiSafetySetting = reader.String("GEMINI_SAFETY_SETTING") ?? "BLOCK_NONE",
            GeminiVersion = reader.String("GEMINI_VERSION") ?? "v1beta",
            ReplicatePollTimeout = TimeSpan.FromSeconds(reader.Int("REPLICATE_POLL_TIMEOUT", 300, min: 1)),
            MaxRequestBodyBytes = reader.Int("MAX_REQUEST_BODY_MB", 32, min: 1, max: 2048) * 1024L * 1024L,
            BodyMemoryBytes = reader.Int("BODY_MEMORY_MB", 64, min: 1, max: 65536) * 1024L * 1024L,
            SyncFrequency = TimeSpan.FromSeconds(reader.Int("SYNC_FREQUENCY", 600, min: 1)),
            IdleTimeout = TimeSpan.FromSeconds(reader.Int("IDLE_TIMEOUT", 30, min: 1)),
            DisconnectUsageWait = TimeSpan.FromSeconds(reader.Int("DISCONNECT_USAGE_WAIT", 30, min: 0)),
            SuspendFor429 = TimeSpan.FromSeconds(reader.Int("CHANNEL_SUSPEND_SECONDS_FOR_429", 60, min: 0)),
            SuspendFor5xx = TimeSpan.FromSeconds(reader.Int("CHANNEL_SUSPEND_SECONDS_FOR_5XX", 30, min: 0)),
            SuspendForAuth = TimeSpan.FromSeconds(reader.Int("CHANNEL_SUSPEND_SECONDS_FOR_AUTH", 60, min: 0)),
            ShutdownTimeout = TimeSpan.FromSeconds(reader.Int("SHUTDOWN_TIMEOUT", 30, min: 0)),
            DrainDelay = TimeSpan.FromSeconds(reader.Int("SHUTDOWN_DRAIN_SECONDS", 0, min: 0)),
            BatchUpdateInterval = reader.Bool("BATCH_UPDATE_ENABLED", false)
                ? TimeSpan.FromSeconds(reader.Int("BATCH_UPDATE_INTERVAL", 5, min: 1))
                : null,
            Metric = reader.Bool("ENABLE_METRIC", false)
                ? new MetricSettings(reader.Int("METRIC_QUEUE_SIZE", 10, min: 1, max: 10_000), reader.Double("METRIC_SUCCESS_RATE_THRESHOLD", 0.8, min: 0, max: 1))
                : null,
            TokenCacheTime = TimeSpan.FromSeconds(reader.Int("TOKEN_CACHE_SECONDS", 1, min: 0)),
            ApiRateLimit = reader.Int("GLOBAL_API_RATE_LIMIT", 480, min: 1),
            WebRateLimit = reader.Int("GLOBAL_WEB_RATE_LIMIT", 240, min: 1),
            CriticalRateLimit = reader.Int("CRITICAL_RATE_LIMIT", 20, min: 1),
            RelayRateLimit = reader.Int("GLOBAL_RELAY_RATE_LIMIT", 0, min: 0),
            LogDirectory = reader.String("LOG_DIR"),
            IsMasterNode = reader.Choice("NODE_TYPE", "master", "master", "slave") == "master",
            FrontendBaseUrl = reader.HttpUrl("FRONTEND_BASE_URL")?.ToString().TrimEnd('/'),
            RelayProxy = reader.ProxyUrl("RELAY_PROXY"),
            PrometheusMetrics = reader.Bool("ENABLE_PROMETHEUS_METRICS", false),
            MetricsToken = reader.String("METRICS_TOKEN"),
            OtlpTraces = (reader.String("OTEL_EXPORTER_OTLP_ENDPOINT") ?? reader.String("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) is not null
                && !reader.Bool("OTEL_SDK_DISABLED", false),
            JsonLogs = reader.Choice("LOG_FORMAT", "text", "text", "json") == "json",
            // Only a node with Redis runs RedisSettings.From: compiling it loads StackExchange.Redis.
            Redis = reader.String("REDIS_CONN_STRING") is { } redis
                ? RedisSettings.From(redis, reader.String("REDIS_PASSWORD"), reader.String("REDIS_MASTER_NAME"), reader.String("REDIS_KEY_PREFIX") ?? "oneapi:")
                : null,
        };
    }

    private static byte[] SessionSecretFrom(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return RandomNumberGenerator.GetBytes(32);
        }
        if (value == "random_string")
        {
            throw new InvalidSettingException("SESSION_SECRET", value, "set it to a secret of your own, not the example value");
        }
        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            return Encoding.UTF8.GetBytes(value);
        }
    }

    private sealed class EnvReader(IConfiguration config)
    {
        public string? String(string name) => config[name] is { Length: > 0 } value ? value.Trim() : null;

        public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
        {
            var raw = String(name);
            if (raw is null)
            {
                return fallback;
            }
            if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw new InvalidSettingException(name, raw, max == int.MaxValue ? $"expected a whole number ≥ {min}" : $"expected a whole number from {min} to {max}");
            }
            return value;
        }

        public double Double(string name, double fallback, double min, double max)
        {
            var raw = String(name);
            if (raw is null)
            {
                return fallback;
            }
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw new InvalidSettingException(name, raw, $"expected a number from {min} to {max}");
            }
            return value;
        }

        public string Choice(string name, string fallback, params string[] allowed)
        {
            var raw = String(name)?.ToLowerInvariant();
            if (raw is null)
            {
                return fallback;
            }
            return allowed.Contains(raw) ? raw : throw new InvalidSettingException(name, raw, $"expected one of {string.Join(", ", allowed)}");
        }

        public bool Bool(string name, bool fallback)
        {
            var raw = String(name);
            return raw?.ToLowerInvariant() switch
            {
                null => fallback,
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => throw new InvalidSettingException(name, raw, "expected true or false"),
            };
        }

        public Uri? HttpUrl(string name)
        {
            var raw = String(name);
            if (raw is null)
            {
                return null;
            }
            return Uri.TryCreate(raw, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
                ? uri
                : throw new InvalidSettingException(name, raw, "expected an absolute http:// or https:// URL");
        }

        public Uri? ProxyUrl(string name)
        {
            var raw = String(name);
            if (raw is null)
            {
                return null;
            }
            return Uri.TryCreate(raw, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "socks4" or "socks4a" or "socks5" && uri.Host.Length > 0
                ? uri
                : throw new InvalidSettingException(name, raw, "expected a proxy URL such as http://127.0.0.1:8080 or socks5://host:1080");
        }

        public IReadOnlyList<AllowedDestination> Destinations(string name)
        {
            var raw = String(name);
            try
            {
                return raw?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(AllowedDestination.Parse).ToList() ?? [];
            }
            catch (FormatException e)
            {
                throw new InvalidSettingException(name, raw!, $"expected host[:port] entries separated by commas ({e.Message})");
            }
        }

        /// <summary>A credential that fits its column, accepted with or without one-api's <c>sk-</c> display prefix.</summary>
        public string? Key(string name, int maxLength)
        {
            var raw = String(name);
            if (raw is null)
            {
                return null;
            }
            var key = raw.StartsWith("sk-", StringComparison.Ordinal) ? raw[3..] : raw;
            if (key.Length == 0 || key.Length > maxLength || !key.All(char.IsAsciiLetterOrDigit))
            {
                throw new InvalidSettingException(name, "(hidden)", $"expected 1 to {maxLength} letters or digits");
            }
            return key;
        }
    }
}

/// <summary>How to reach Redis, and the prefix of every key and channel this gateway uses there.</summary>
public sealed record RedisSettings(ConfigurationOptions Options, string KeyPrefix)
{
    /// <summary>
    /// Accepts one-api's <c>redis://[user][:password@]host:port[/db]</c> (or <c>rediss://</c>) URLs and plain
    /// StackExchange.Redis strings (<c>host:port,password=…</c>). <c>REDIS_PASSWORD</c> wins over either;
    /// <c>REDIS_MASTER_NAME</c> treats the endpoints as sentinels, as one-api's failover client does.
    /// </summary>
    public static RedisSettings? From(string? connection, string? password, string? masterName, string keyPrefix)
    {
        if (connection is null)
        {
            return null;
        }
        var options = connection.Contains("://", StringComparison.Ordinal) ? FromUrl(connection) : FromPlain(connection);
        if (options.EndPoints.Count == 0)
        {
            throw new InvalidSettingException("REDIS_CONN_STRING", "(hidden)", "expected redis://[:password@]host:port[/db] or host:port[,option=value…]");
        }
        if (password is not null)
        {
            options.Password = password;
        }
        if (masterName is not null)
        {
            options.ServiceName = masterName;
        }
        // An outage must not stall requests: fail fast and keep reconnecting in the background.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 1000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1000);
        options.ClientName ??= "one-api";
        return new RedisSettings(options, keyPrefix);
    }

    private static ConfigurationOptions FromUrl(string connection)
    {
        if (!Uri.TryCreate(connection, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || uri.Host.Length == 0)
        {
            throw new InvalidSettingException("REDIS_CONN_STRING", "(hidden)", "expected redis://[:password@]host:port[/db]");
        }
        var options = new ConfigurationOptions { Ssl = uri.Scheme == "rediss" };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon < 0)
            {
                // go-redis reads a lone user-info part as the user name; a bare secret here is almost always a password.
                options.Password = user;
            }
            else
            {
                options.User = user.Length > 0 ? user : null;
                options.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db))
            {
                throw new InvalidSettingException("REDIS_CONN_STRING", "(hidden)", "expected a database number after the port, as in redis://host:6379/0");
            }
            options.DefaultDatabase = db;
        }
        return options;
    }

    private static ConfigurationOptions FromPlain(string connection)
    {
        try
        {
            return ConfigurationOptions.Parse(connection);
        }
        catch (ArgumentException)
        {
            throw new InvalidSettingException("REDIS_CONN_STRING", "(hidden)", "expected host:port[,option=value…]");
        }
    }
}

public sealed record MetricSettings(int QueueSize, double SuccessRateThreshold);

public sealed class InvalidSettingException(string variable, string value, string expectation)
    : Exception($"invalid environment variable {variable}={value}: {expectation}")
{
    public string Variable { get; } = variable;
}
