using System.Net.Sockets;

namespace OneApi.Server.Relay;

/// <summary>Upstream connections opened as SocketsHttpHandler opens them, each counted by <see cref="RelayCapacity"/> until it closes.</summary>
public static class CountedSockets
{
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, RelayCapacity capacity, CancellationToken cancellationToken)
    {
        var counted = capacity.UpstreamSocket();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new CountedStream(socket, counted);
        }
        catch
        {
            socket.Dispose();
            counted.Dispose();
            throw;
        }
    }

    private sealed class CountedStream(Socket socket, IDisposable counted) : NetworkStream(socket, ownsSocket: true)
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            counted.Dispose();
        }
    }
}
