using System.Net.Http.Headers;
using OneApi.Data.Entities;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Catalog;
using OneApi.Server.Auth;
using OneApi.Server.Billing;
using OneApi.Server.Channels;
using OneApi.Server.Configuration;

namespace OneApi.Server.Relay;

/// <summary>
/// one-api's <c>/v1/oneapi/proxy/{channelId}/{**target}</c> (relaymode Proxy): any method and body, sent as they are
/// to the channel's base URL + target (query string included) with the channel's key, and the answer (any status)
/// streamed back untouched. Nothing is billed; the consume log gets a row at zero quota with model <c>proxy</c>, as
/// one-api HEAD writes. Admins only: it reaches any channel with that channel's key, outside groups, models and
/// prices, which is the channel pin one-api keeps for admins (<c>sk-KEY-id</c>); one-api's own route forgets to check.
/// </summary>
public sealed partial class ProxyRelay(
    RelayKeyAuthenticator authenticator,
    RoutingTableStore routing,
    UpstreamCall upstream,
    BillingLedger ledger,
    RelayCapacity capacity,
    GatewaySettings settings,
    TimeProvider time,
    ILogger<ProxyRelay> logger)
{
    public const string ModelName = "proxy";

    /// <summary>
    /// Not passed on: the caller's own credentials for the gateway (the upstream gets the channel's), and headers that
    /// describe this hop's connection or body encoding rather than the request.
    /// </summary>
    private static readonly HashSet<string> DroppedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "X-Api-Key", "Api-Key", "Cookie", "Host", "Content-Length", "Accept-Encoding", "Connection", "Keep-Alive",
        "Transfer-Encoding", "TE", "Upgrade", "Proxy-Authorization", "Proxy-Connection",
    };

    private static readonly HashSet<string> DroppedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Set-Cookie",
    };

    public async Task RelayAsync(HttpContext context, string channelId, string? target)
    {
        var started = time.GetTimestamp();
        using var slot = capacity.TryAdmit();
        if (slot is null)
        {
            await RelayPipeline.WriteErrorAsync(context, RelayError.Overloaded());
            return;
        }
        var (caller, authError) = await authenticator.AuthenticateAsync(context, context.RequestAborted);
        if (caller is null)
        {
            await RelayPipeline.WriteErrorAsync(context, authError!);
            return;
        }
        var (channel, refused) = ChannelFor(caller, channelId);
        if (channel is null)
        {
            await RelayPipeline.WriteErrorAsync(context, refused!);
            return;
        }
        using var request = Forward(context.Request, channel, target);
        var (response, error) = await upstream.SendRawAsync(request, channel, ModelName, settings.RelayTimeout, context.RequestAborted);
        if (response is null)
        {
            await RelayPipeline.WriteErrorAsync(context, error!);
            return;
        }
        using (response)
        {
            await CopyBackAsync(context, response);
        }
        await ledger.SettleAsync(new Settlement(caller.UserId, caller.Username, caller.TokenId, caller.TokenName, caller.TokenUnlimited,
            channel.Id, ModelName, context.RequestId(), Quota: 0, Reserved: 0, PromptTokens: 0, CompletionTokens: 0,
            (long)time.GetElapsedTime(started).TotalMilliseconds, IsStream: false, SystemPromptReset: false, "proxy request, no quota consumption"));
    }

    /// <summary>The channel named in the path, when the caller may use it: one-api's answers for a bad id and a disabled channel.</summary>
    private (UpstreamChannel? Channel, RelayError? Error) ChannelFor(RelayCaller caller, string channelId)
    {
        if (caller.Role < UserRole.Admin)
        {
            return (null, RelayError.Forbidden("Ordinary users do not support specifying channels"));
        }
        if (!int.TryParse(channelId, out var id) || !routing.Current.Channels.TryGetValue(id, out var route))
        {
            return (null, RelayError.InvalidRequest("Invalid Channel Id", "invalid_channel_id"));
        }
        return route.Enabled ? (route.Upstream, null) : (null, RelayError.Forbidden("The channel has been disabled"));
    }

    /// <summary>
    /// The client's request re-addressed to the channel. A Proxy channel's (type 43) key is the whole
    /// <c>Authorization</c> value, as one-api sends it; any other type's key goes as a Bearer token.
    /// </summary>
    private static HttpRequestMessage Forward(HttpRequest incoming, UpstreamChannel channel, string? target)
    {
        var url = ChannelTypes.BaseUrlOf(channel).TrimEnd('/') + "/" + target + incoming.QueryString;
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), url);
        if (incoming.ContentLength > 0 || incoming.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(incoming.Body);
        }
        foreach (var (name, values) in incoming.Headers)
        {
            if (!DroppedRequestHeaders.Contains(name) && !request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        if (channel.Type == ChannelTypes.Proxy)
        {
            request.Headers.TryAddWithoutValidation("Authorization", channel.Key);
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", channel.Key);
        }
        return request;
    }

    /// <summary>The upstream's status, headers and body as they come; a body cut off midway ends the client's there.</summary>
    private async Task CopyBackAsync(HttpContext context, HttpResponseMessage response)
    {
        var outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!DroppedResponseHeaders.Contains(name))
            {
                outgoing.Headers[name] = values.ToArray();
            }
        }
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            await body.CopyToAsync(outgoing.Body, context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            LogProxyBroken(logger, e.Message);
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "proxied answer broke off before it was all passed on: {Message}")]
    private static partial void LogProxyBroken(ILogger logger, string message);
}
