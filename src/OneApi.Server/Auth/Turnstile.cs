using System.Text.Json;
using OneApi.Server.Admin;
using OneApi.Server.Options;

namespace OneApi.Server.Auth;

/// <summary>
/// one-api's Cloudflare Turnstile check: with <c>TurnstileCheckEnabled</c>, the route needs the widget's token in
/// the <c>turnstile</c> query parameter, which Cloudflare's siteverify must accept. A browser that passed once keeps
/// a signed <c>turnstile</c> cookie, as one-api keeps a session flag, because the console sends one single-use
/// token to both <c>/api/verification</c> and <c>/api/user/register</c>. Unlike one-api's session-long flag, the
/// pass lasts an hour.
/// </summary>
public sealed partial class Turnstile(IHttpClientFactory clients, OptionStore options, SessionCookie sessions, TurnstileEndpoint endpoint,
    ILogger<Turnstile> logger)
{
    public const string ClientName = "turnstile";
    private const string PassCookie = "turnstile";
    private static readonly TimeSpan PassLifetime = TimeSpan.FromHours(1);

    /// <summary>Null when the request may go on, else the envelope's message.</summary>
    public async Task<string?> CheckAsync(HttpContext context)
    {
        var o = options.Current;
        if (!o.GetBool("TurnstileCheckEnabled") || sessions.ReadValue(context, PassCookie) is not null)
        {
            return null;
        }
        var token = context.Request.Query["turnstile"].ToString();
        if (token.Length == 0)
        {
            return "Turnstile token is empty";
        }
        if (!await VerifyAsync(o.Get("TurnstileSecretKey"), token, context.Connection.RemoteIpAddress?.ToString() ?? "", context.RequestAborted))
        {
            return "Turnstile verification failed";
        }
        sessions.IssueValue(context, PassCookie, "1", PassLifetime);
        return null;
    }

    private async Task<bool> VerifyAsync(string secret, string token, string remoteIp, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["secret"] = secret, ["response"] = token, ["remoteip"] = remoteIp });
            using var response = await clients.CreateClient(ClientName).PostAsync(endpoint.Url, content, cancellationToken);
            using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return answer.RootElement.ValueKind == JsonValueKind.Object
                   && answer.RootElement.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.True;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
        {
            LogUnreachable(logger, e.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Turnstile siteverify could not be used: {Error}")]
    private static partial void LogUnreachable(ILogger logger, string error);
}

/// <summary>Cloudflare's siteverify, replaceable by <c>TURNSTILE_VERIFY_URL</c> for tests.</summary>
public sealed record TurnstileEndpoint(string Url)
{
    public static TurnstileEndpoint From(IConfiguration config) =>
        new(config["TURNSTILE_VERIFY_URL"] is { Length: > 0 } url ? url : "https://challenges.cloudflare.com/turnstile/v0/siteverify");
}

public static class TurnstileFilter
{
    /// <summary>Endpoint filter: answers one-api's envelope failure unless <see cref="Turnstile"/> lets the request through.</summary>
    public static TBuilder RequireTurnstile<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
            await invocation.HttpContext.RequestServices.GetRequiredService<Turnstile>().CheckAsync(invocation.HttpContext) is { } refused
                ? ApiResponse.Failure(refused)
                : await next(invocation));
}
