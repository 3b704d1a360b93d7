using System.IO.Pipelines;

namespace OneApi.Relay.Streaming;

/// <summary>
/// Writes OpenAI-style SSE (<c>data: …\n\n</c>, no <c>event:</c> line). The caller decides when to flush: the relay
/// sends a burst of events in one write and a slow stream's events one by one.
/// </summary>
public static class SseWriter
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;
    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;
    private static ReadOnlySpan<byte> EventPrefix => "event: "u8;

    /// <summary>
    /// Writes one event. A payload with line breaks (an upstream event sent as several <c>data:</c> lines, which the
    /// reader joined with <c>\n</c>) goes out as one <c>data:</c> line per line, so the client reads the same payload.
    /// </summary>
    public static void WriteEvent(PipeWriter writer, ReadOnlySpan<byte> data)
    {
        while (data.IndexOfAny((byte)'\r', (byte)'\n') is var lineEnd and >= 0)
        {
            WriteLine(writer, data[..lineEnd], "\n"u8);
            var separator = data[lineEnd] == '\r' && lineEnd + 1 < data.Length && data[lineEnd + 1] == '\n' ? 2 : 1;
            data = data[(lineEnd + separator)..];
        }
        WriteLine(writer, data, EventEnd);
    }

    /// <summary>Writes one event, preceded by an <c>event:</c> line when it is named (Anthropic's streams name every event).</summary>
    public static void WriteEvent(PipeWriter writer, string? eventName, ReadOnlySpan<byte> data)
    {
        if (!string.IsNullOrEmpty(eventName))
        {
            var length = EventPrefix.Length + System.Text.Encoding.UTF8.GetByteCount(eventName) + 1;
            var span = writer.GetSpan(length);
            EventPrefix.CopyTo(span);
            var written = System.Text.Encoding.UTF8.GetBytes(eventName, span[EventPrefix.Length..]);
            span[EventPrefix.Length + written] = (byte)'\n';
            writer.Advance(EventPrefix.Length + written + 1);
        }
        WriteEvent(writer, data);
    }

    /// <summary>Writes the closing <c>[DONE]</c> and flushes it with whatever was written before.</summary>
    public static ValueTask<FlushResult> WriteDoneAsync(PipeWriter writer, CancellationToken cancellationToken)
    {
        WriteEvent(writer, "[DONE]"u8);
        return writer.FlushAsync(cancellationToken);
    }

    private static void WriteLine(PipeWriter writer, ReadOnlySpan<byte> line, ReadOnlySpan<byte> end)
    {
        var length = DataPrefix.Length + line.Length + end.Length;
        var span = writer.GetSpan(length);
        DataPrefix.CopyTo(span);
        line.CopyTo(span[DataPrefix.Length..]);
        end.CopyTo(span[(DataPrefix.Length + line.Length)..]);
        writer.Advance(length);
    }
}
