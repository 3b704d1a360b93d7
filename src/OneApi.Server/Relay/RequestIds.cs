using System.Globalization;

namespace OneApi.Server.Relay;

/// <summary>
/// one-api's request id, <c>yyyyMMddHHmmss</c> + the nanosecond remainder + 8 random digits, sent back on every
/// response as <c>X-Oneapi-Request-Id</c> and written to the consume log.
/// </summary>
public static class RequestIds
{
    public const string Header = "X-Oneapi-Request-Id";
    private const string ItemKey = "oneapi.request_id";

    public static string New(DateTimeOffset now)
    {
        var nanos = (now.Ticks % TimeSpan.TicksPerSecond) * 100;
        // Uniqueness, not secrecy: the time prefix already orders ids, so a fast generator is enough here.
        var random = Random.Shared.Next(0, 100_000_000);
        return string.Create(CultureInfo.InvariantCulture, $"{now.UtcDateTime:yyyyMMddHHmmss}{nanos}{random:D8}");
    }

    public static string RequestId(this HttpContext context) => context.Items[ItemKey] as string ?? "";

    /// <summary>Middleware: gives each request its id and puts it on the response before anything is written.</summary>
    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var id = New(context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        context.Items[ItemKey] = id;
        context.Response.Headers[Header] = id;
        return next(context);
    });
}
