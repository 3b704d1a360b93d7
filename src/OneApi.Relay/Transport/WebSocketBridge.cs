using System.Net;
using System.Net.WebSockets;

namespace OneApi.Relay.Transport;

/// <summary>
/// Carries calls to upstreams that answer over a WebSocket (Xunfei Spark) through the same HTTP client, timeouts and
/// error handling as every other call. A request a host <see cref="Mark"/>s is opened as a WebSocket on the inner
/// handler (so the relay proxy applies), its content is sent as one text message, and the answer is a 200 whose body
/// is the upstream's messages, one per line. A refused handshake is an answer with the handshake's status, so the
/// engine reads it as it reads any upstream's refusal.
/// </summary>
public sealed class WebSocketBridge : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<bool> Upgrade = new("OneApi.WebSocket");

    /// <summary>Marks an http(s) request to be opened as a WebSocket (ws/wss) at the same address.</summary>
    public static void Mark(HttpRequestMessage request) => request.Options.Set(Upgrade, true);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(Upgrade, out var upgrade) || !upgrade)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            using var invoker = new HttpMessageInvoker(InnerHandler!, disposeHandler: false);
            await socket.ConnectAsync(WebSocketAddress(request.RequestUri!), invoker, cancellationToken).ConfigureAwait(false);
            if (request.Content is { } content)
            {
                var first = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                await socket.SendAsync(first, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (WebSocketException) when (socket.HttpStatusCode is >= HttpStatusCode.BadRequest)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return new HttpResponseMessage(status) { RequestMessage = request, Content = new ByteArrayContent([]) };
        }
        catch (WebSocketException e)
        {
            socket.Dispose();
            throw e.InnerException as HttpRequestException ?? new HttpRequestException(HttpRequestError.ConnectionError, e.Message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new StreamContent(new WebSocketLines(socket)) };
    }

    private static Uri WebSocketAddress(Uri address) =>
        new UriBuilder(address) { Scheme = address.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Port = address.Port }.Uri;
}

/// <summary>
/// A WebSocket's incoming text messages read as a stream, each message followed by a newline (the upstreams it
/// serves send compact JSON). The peer's close ends the stream; a connection lost without one is an
/// <see cref="IOException"/>, as a broken HTTP body is.
/// </summary>
internal sealed class WebSocketLines(ClientWebSocket socket) : Stream
{
    private bool _newlineOwed;
    private bool _closed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            if (_newlineOwed)
            {
                _newlineOwed = false;
                buffer.Span[0] = (byte)'\n';
                return 1;
            }
            if (_closed)
            {
                return 0;
            }
            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException e)
            {
                throw new IOException("the upstream's WebSocket broke off: " + e.Message, e);
            }
            if (result.MessageType == WebSocketMessageType.Close)
            {
                _closed = true;
                continue;
            }
            _newlineOwed = result.EndOfMessage;
            if (result.Count > 0)
            {
                return result.Count;
            }
        }
        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            socket.Dispose();
        }
        base.Dispose(disposing);
    }
}
