using System.Buffers;
using System.IO.Pipelines;

namespace OneApi.Relay.Streaming;

/// <summary>
/// Writes a stream as one JSON array whose elements arrive one by one (<c>[{…}\n,\r\n{…}]</c>), as Gemini's
/// <c>streamGenerateContent</c> answers without <c>alt=sse</c>. The caller flushes elements; the end is flushed here.
/// </summary>
public static class JsonArrayWriter
{
    public static void WriteElement(PipeWriter writer, ReadOnlySpan<byte> element, bool first)
    {
        writer.Write(first ? "["u8 : "\n,\r\n"u8);
        writer.Write(element);
    }

    /// <summary>Closes the array; an empty one when no element was written.</summary>
    public static ValueTask<FlushResult> EndAsync(PipeWriter writer, bool wroteAny, CancellationToken cancellationToken)
    {
        writer.Write(wroteAny ? "]"u8 : "[]"u8);
        return writer.FlushAsync(cancellationToken);
    }
}
