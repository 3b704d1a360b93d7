using System.Net;
using Microsoft.AspNetCore.Connections;

namespace OneApi.Server.Relay;

/// <summary>
/// Kestrel's socket transport, accepting a connection only while <see cref="RelayCapacity"/> has a descriptor for it.
/// Without one the listener stops accepting until one is freed: the client waits in the listen backlog (or its SYN is
/// retried) instead of being accepted and closed unanswered, a reset to it. Kestrel's own MaxConcurrentConnections
/// accepts and closes; and an accept() that fails with EMFILE is retried at once, a busy loop until a descriptor frees.
/// </summary>
public sealed class DescriptorGatedTransport(IConnectionListenerFactory sockets, RelayCapacity capacity)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        new Listener(await sockets.BindAsync(endpoint, cancellationToken), capacity);

    public bool CanBind(EndPoint endpoint) => sockets is not IConnectionListenerFactorySelector selector || selector.CanBind(endpoint);

    private sealed class Listener(IConnectionListener inner, RelayCapacity capacity) : IConnectionListener
    {
        private readonly CancellationTokenSource _unbound = new();

        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbound.Token);
            IDisposable counted;
            try
            {
                counted = await capacity.ConnectAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return null; // unbound while waiting for room: the server is stopping
            }
            var connection = await inner.AcceptAsync(cancellationToken);
            if (connection is null)
            {
                counted.Dispose();
                return null;
            }
            // fires once the transport has closed the socket
            connection.ConnectionClosed.Register(static counted => ((IDisposable)counted!).Dispose(), counted);
            return connection;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            _unbound.Cancel();
            return inner.UnbindAsync(cancellationToken);
        }

        public ValueTask DisposeAsync()
        {
            _unbound.Dispose();
            return inner.DisposeAsync();
        }
    }
}
