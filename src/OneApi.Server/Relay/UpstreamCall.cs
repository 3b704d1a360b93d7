using System.Diagnostics;
using System.Net.Sockets;
using OneApi.Relay.Abstractions;
using OneApi.Server.Configuration;
using OneApi.Server.Observability;

namespace OneApi.Server.Relay;

/// <summary>
/// Talks to one channel for every kind of call (chat, media, <c>/v1/messages</c>, channel tests): builds the
/// adaptor's request, sends it, reads the upstream's refusal or its whole answer, and turns transport failures into
/// <see cref="RelayError"/> values. The one copy of "send, then read the error or the answer".
/// </summary>
public sealed class UpstreamCall(IHttpClientFactory clients, GatewaySettings settings)
{
    public const string ClientName = "upstream";
    private const int MaxErrorBodyBytes = 64 * 1024;

    public static readonly RelayError ClientGone = new(RelayErrorKind.ClientDisconnected, 499, "client closed the request", RelayError.OneApiType);

    /// <summary>
    /// Builds the request with <paramref name="build"/> (an adaptor's refusal is the error), sends it and waits for the
    /// headers. A 2xx answer is handed back to be read; any other, or a 2xx that carries a refusal, is read as the
    /// adaptor's error, without the channel's key. An error from a cached credential gone stale is worth one more
    /// call, built with a fresh credential.
    /// </summary>
    public async Task<UpstreamExchange> ExchangeAsync(IChannelAdaptor adaptor, Func<CancellationToken, ValueTask<HttpRequestMessage>> build,
        UpstreamChannel channel, string model, TimeSpan? timeout, CancellationToken clientAborted)
    {
        var exchange = await ExchangeOnceAsync(adaptor, build, channel, model, timeout, clientAborted);
        if (exchange.Error is not { } error || !adaptor.DropsStaleCredential(channel, error))
        {
            return exchange;
        }
        exchange.Dispose();
        return await ExchangeOnceAsync(adaptor, build, channel, model, timeout, clientAborted);
    }

    private async Task<UpstreamExchange> ExchangeOnceAsync(IChannelAdaptor adaptor, Func<CancellationToken, ValueTask<HttpRequestMessage>> build,
        UpstreamChannel channel, string model, TimeSpan? timeout, CancellationToken clientAborted)
    {
        HttpRequestMessage request;
        try
        {
            request = await build(clientAborted);
        }
        catch (RelayErrorException e)
        {
            return new UpstreamExchange(null, null, e.Error);
        }
        var target = new UpstreamTarget(channel.Id, model);
        var (response, sendError) = await SendAsync(request, timeout, clientAborted, target);
        if (response is { IsSuccessStatusCode: true })
        {
            (response, sendError) = await WhileReadingAsync(() => adaptor.FollowAsync(response, (next, ct) => SendAsync(next, timeout, ct, target), clientAborted),
                error => new UpstreamReply(null, error), clientAborted);
        }
        if (response is null)
        {
            return new UpstreamExchange(request, response, sendError);
        }
        if (response.IsSuccessStatusCode)
        {
            if (await WhileReadingAsync(() => adaptor.ReadRefusalAsync(response, clientAborted).AsTask(), error => error, clientAborted) is not { } refusal)
            {
                return new UpstreamExchange(request, response, null);
            }
            response.Dispose();
            return new UpstreamExchange(request, null, WithoutSecret(refusal, channel.Key));
        }
        using (response)
        {
            var error = adaptor.ReadError((int)response.StatusCode, await ReadErrorBodyAsync(response, clientAborted));
            return new UpstreamExchange(request, null, WithoutSecret(error, channel.Key));
        }
    }

    /// <summary>
    /// Runs a step that reads a 2xx answer (<see cref="IUpstreamHost.FollowAsync"/>, <see cref="IChannelAdaptor.ReadRefusalAsync"/>):
    /// a client gone meanwhile or an answer cut off becomes the error <paramref name="failed"/> wraps.
    /// </summary>
    private static async Task<T> WhileReadingAsync<T>(Func<Task<T>> step, Func<RelayError, T> failed, CancellationToken clientAborted)
    {
        try
        {
            return await step();
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return failed(ClientGone);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return failed(RelayError.UpstreamUnreachable("the answer was cut off"));
        }
    }

    /// <summary>
    /// Reads a whole (non-stream) answer. Not tied to the client: an answer the upstream is already writing is paid
    /// for, so it is read (for <c>DISCONNECT_USAGE_WAIT</c> more) and billed even when the client has hung up.
    /// </summary>
    public async Task<UpstreamAnswer> ReadAnswerAsync(IChannelAdaptor adaptor, HttpResponseMessage response, RelayRequest request,
        TimeSpan? timeout, CancellationToken clientAborted)
    {
        using var deadline = new CancellationTokenSource();
        if (timeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }
        using var clientLeft = clientAborted.Register(() => deadline.CancelAfter(settings.DisconnectUsageWait));
        try
        {
            return await adaptor.ReadAnswerAsync(response, request, deadline.Token);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return Failed(ClientGone);
        }
        catch (OperationCanceledException)
        {
            return Failed(RelayError.UpstreamTimeout());
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return Failed(RelayError.UpstreamUnreachable("the answer was cut off"));
        }
    }

    /// <summary>Sends a request built outside any adaptor (the raw proxy) and hands back whatever status answered.</summary>
    public Task<UpstreamReply> SendRawAsync(HttpRequestMessage request, UpstreamChannel channel, string model,
        TimeSpan? timeout, CancellationToken clientAborted) =>
        SendAsync(request, timeout, clientAborted, new UpstreamTarget(channel.Id, model));

    private static UpstreamAnswer Failed(RelayError error) => new(default, null, "", error);

    /// <summary>Some providers quote the key they were sent in their error message; the client must not read the channel's key.</summary>
    internal static RelayError WithoutSecret(RelayError error, string key) =>
        key.Length >= 8 && error.Message.Contains(key, StringComparison.Ordinal)
            ? error with { Message = error.Message.Replace(key, "[channel key]", StringComparison.Ordinal) }
            : error;

    /// <summary>
    /// Waits for the upstream's response headers. A timeout (<paramref name="timeout"/>) is a 504, a refused or
    /// broken connection a 502; the client hanging up is reported as such, so it is not blamed on the channel.
    /// </summary>
    private async Task<UpstreamReply> SendAsync(
        HttpRequestMessage request, TimeSpan? timeout, CancellationToken clientAborted, UpstreamTarget target)
    {
        using var span = GatewayTracing.StartUpstream(target, request);
        var started = Stopwatch.GetTimestamp();
        var (response, error) = await SendUninstrumentedAsync(request, timeout, clientAborted);
        if (error?.Kind != RelayErrorKind.ClientDisconnected)
        {
            var failedStatus = error?.StatusCode ?? (response!.IsSuccessStatusCode ? null : (int)response.StatusCode);
            GatewayMetrics.UpstreamAnswered(target, Stopwatch.GetElapsedTime(started), failedStatus);
            GatewayTracing.EndUpstream(span, response, error);
        }
        return new UpstreamReply(response, error);
    }

    private async Task<(HttpResponseMessage? Response, RelayError? Error)> SendUninstrumentedAsync(HttpRequestMessage request, TimeSpan? timeout, CancellationToken clientAborted)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        if (timeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }
        try
        {
            var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            return (response, null);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return (null, ClientGone);
        }
        catch (OperationCanceledException)
        {
            return (null, RelayError.UpstreamTimeout());
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TooManyOpenSockets })
        {
            return (null, RelayError.Overloaded()); // the gateway's own limit, not the channel's fault: no retry, no suspension
        }
        catch (HttpRequestException e)
        {
            return (null, RelayError.UpstreamUnreachable(e.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : e.HttpRequestError.ToString()));
        }
    }

    /// <summary>Reads at most 64 KiB of an error answer: enough for any provider's error JSON.</summary>
    private static async Task<byte[]> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxErrorBodyBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
            {
                total += read;
            }
            return buffer[..total];
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            return [];
        }
    }
}

/// <summary>One request to a channel: its 2xx response to read, or why there is none. Disposes both messages.</summary>
public sealed record UpstreamExchange(HttpRequestMessage? Request, HttpResponseMessage? Response, RelayError? Error) : IDisposable
{
    public void Dispose()
    {
        Response?.Dispose();
        Request?.Dispose();
    }
}
