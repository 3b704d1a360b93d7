using System.Runtime.CompilerServices;
using OneApi.Server.Configuration;
using OneApi.Server.Relay;
using Serilog;
using Serilog.Formatting.Compact;

namespace OneApi.Server.Observability;

/// <summary>
/// Console logs as text or JSON (<c>LOG_FORMAT</c>), log files in <c>--log-dir</c> rotated daily and at 100 MB (as
/// one-api names them, <c>oneapi-&lt;date&gt;.log</c>), and every line written while a request runs carries its request id.
/// </summary>
public static class GatewayLogging
{
    private const long MaxFileBytes = 100L * 1024 * 1024;
    private const int KeptFiles = 30;

    /// <summary>Frameworks that are chatty below Warning.</summary>
    private static readonly string[] QuietCategories = ["Microsoft.EntityFrameworkCore", "System.Net.Http.HttpClient", "Microsoft.AspNetCore"];

    public static ILoggingBuilder AddGatewayLogging(this ILoggingBuilder logging, GatewaySettings settings)
    {
        logging.ClearProviders();
        if (settings.JsonLogs)
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
            });
        }
        if (settings.LogDirectory is { } directory)
        {
            AddLogFiles(logging, directory, settings.JsonLogs);
        }
        foreach (var category in QuietCategories)
        {
            logging.AddFilter(category, LogLevel.Warning);
        }
        return logging;
    }

    // Its own method, so that Serilog is loaded only by a node that writes log files.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddLogFiles(ILoggingBuilder logging, string directory, bool json)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "oneapi-.log");
        // Serilog's provider takes every event and filters by its own levels, so the quiet categories are repeated here.
        var files = new LoggerConfiguration().MinimumLevel.Information();
        foreach (var category in QuietCategories)
        {
            files = files.MinimumLevel.Override(category, Serilog.Events.LogEventLevel.Warning);
        }
        files = json
            ? files.WriteTo.File(new CompactJsonFormatter(), path, rollingInterval: RollingInterval.Day,
                fileSizeLimitBytes: MaxFileBytes, rollOnFileSizeLimit: true, retainedFileCountLimit: KeptFiles)
            : files.WriteTo.File(path, rollingInterval: RollingInterval.Day, fileSizeLimitBytes: MaxFileBytes,
                rollOnFileSizeLimit: true, retainedFileCountLimit: KeptFiles,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {SourceContext} {RequestId} {Message:lj}{NewLine}{Exception}");
        logging.AddSerilog(files.CreateLogger(), dispose: true);
    }

    /// <summary>Middleware, after the request id is assigned: puts it in the logging scope of everything the request does.</summary>
    public static IApplicationBuilder UseRequestLogScope(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("OneApi.Server.Request");
        return app.Use(async (context, next) =>
        {
            using (logger.BeginScope(new RequestScope(context.RequestId())))
            {
                await next(context);
            }
        });
    }

    /// <summary>A scope the console's JSON writer and Serilog both read as a <c>RequestId</c> property.</summary>
    private sealed class RequestScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new("RequestId", requestId) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "request " + requestId;
    }
}
