using System.Diagnostics;
using System.Net.Sockets;
using OneApi.Relay.Abstractions;
using OneApi.Server.Observability;

namespace OneApi.Server.Relay;

/// <summary>Sends a built request upstream and turns transport failures into <see cref="RelayError"/> values.</summary>
public sealed class UpstreamCall(IHttpClientFactory clients)
{
    public const string ClientName = "upstream";
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>
    /// Waits for the upstream's response headers. A timeout (<paramref name="timeout"/>) is a 504, a refused or
    /// broken connection a 502; the client hanging up is reported as such, so it is not blamed on the channel.
    /// </summary>
    public async Task<(HttpResponseMessage? Response, RelayError? Error)> SendAsync(
        HttpRequestMessage request, TimeSpan? timeout, CancellationToken clientAborted, UpstreamTarget? target = null)
    {
        if (target is null)
        {
            return await SendUninstrumentedAsync(request, timeout, clientAborted);
        }
        using var span = GatewayTracing.StartUpstream(target, request);
        var started = Stopwatch.GetTimestamp();
        var (response, error) = await SendUninstrumentedAsync(request, timeout, clientAborted);
        if (error?.Kind != RelayErrorKind.ClientDisconnected)
        {
            var failedStatus = error?.StatusCode ?? (response!.IsSuccessStatusCode ? null : (int)response.StatusCode);
            GatewayMetrics.UpstreamAnswered(target, Stopwatch.GetElapsedTime(started), failedStatus);
            GatewayTracing.EndUpstream(span, response, error);
        }
        return (response, error);
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
        catch (HttpRequestException e)
        {
            return (null, RelayError.UpstreamUnreachable(e.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : e.HttpRequestError.ToString()));
        }
    }

    /// <summary>Reads at most 64 KiB of an error answer: enough for any provider's error JSON.</summary>
    public static async Task<byte[]> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
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

    public static readonly RelayError ClientGone = new(RelayErrorKind.ClientDisconnected, 499, "client closed the request", RelayError.OneApiType);
}
