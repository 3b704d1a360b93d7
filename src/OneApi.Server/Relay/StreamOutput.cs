using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Streaming;

namespace OneApi.Server.Relay;

/// <summary>
/// The client's side of a relayed stream. Events are written as they are read, and the relay sends them when the
/// upstream has nothing more ready: a burst the upstream delivered in one piece leaves in one send, while each event
/// of a slow stream is sent the moment it is written, because the read after it has to wait. A send per event cost a
/// system call per event, the larger part of a short stream's relaying.
/// </summary>
internal sealed class StreamOutput(PipeWriter writer, bool jsonArray, CancellationToken aborted, Action clientLeft)
{
    /// <summary>Written bytes sent at the latest once they reach this, so an upstream that is always ready is not buffered whole.</summary>
    private const int SendAbove = 16 * 1024;

    private int unsent;
    private int elements;

    /// <summary>True once a send failed or was refused: the client hung up.</summary>
    public bool ClientGone { get; private set; }

    /// <summary>Elements written, for a JSON array's closing bracket.</summary>
    public bool WroteAny => elements > 0;

    /// <summary>Writes a frame as an SSE event or an array element, unless the client is known to be gone.</summary>
    public async ValueTask WriteAsync(StreamFrame frame)
    {
        if (ClientGone)
        {
            return;
        }
        if (jsonArray)
        {
            JsonArrayWriter.WriteElement(writer, frame.Data.Span, first: elements == 0);
        }
        else
        {
            SseWriter.WriteEvent(writer, frame.Event, frame.Data.Span);
        }
        elements++;
        unsent += frame.Data.Length;
        if (unsent >= SendAbove)
        {
            await SendAsync();
        }
    }

    /// <summary>
    /// Sends what was written and not sent yet; false when the client is gone. A send can fail while an upstream read
    /// is awaited, so the client's leaving is reported to <c>clientLeft</c> as well.
    /// </summary>
    public async ValueTask<bool> SendAsync()
    {
        if (ClientGone || unsent == 0)
        {
            return !ClientGone;
        }
        unsent = 0;
        try
        {
            var flushed = await writer.FlushAsync(aborted);
            ClientGone = flushed.IsCanceled || flushed.IsCompleted;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            ClientGone = true;
        }
        if (ClientGone)
        {
            clientLeft();
        }
        return !ClientGone;
    }

    /// <summary>
    /// The upstream's frames, with what was written sent whenever the next frame is not ready at once, so it goes out
    /// while the upstream's next bytes are awaited.
    /// </summary>
    public async IAsyncEnumerable<StreamFrame> SendingWhileWaiting(IAsyncEnumerable<StreamFrame> frames,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var upstream = frames.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            var next = upstream.MoveNextAsync();
            if (!next.IsCompleted)
            {
                await SendAsync();
            }
            if (!await next)
            {
                yield break;
            }
            yield return upstream.Current;
        }
    }
}
