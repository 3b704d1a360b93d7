using System.Net;
using System.Text.Json.Nodes;

namespace OneApi.Relay.Adaptors.Replicate;

/// <summary>
/// A prediction's SSE stream that also knows how to read the prediction once it has ended: Replicate's stream carries
/// text only, its token counts are in the finished prediction's <c>metrics</c>.
/// </summary>
internal sealed class PredictionStream(Stream events, Func<CancellationToken, Task<JsonObject?>> ended) : Stream
{
    /// <summary>The ended prediction, or null when it could not be had.</summary>
    public Task<JsonObject?> EndedAsync(CancellationToken cancellationToken) => ended(cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => events.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        events.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => events.Read(buffer, offset, count);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            events.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>The SSE response's body handed out as a <see cref="PredictionStream"/>, so the host's event reader finds the way to the metrics.</summary>
    public sealed class Content(HttpResponseMessage sse, Func<CancellationToken, Task<JsonObject?>> ended) : HttpContent
    {
        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new PredictionStream(await sse.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), ended);

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => sse.Content.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                sse.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
