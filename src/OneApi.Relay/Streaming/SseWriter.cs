using System.IO.Pipelines;

namespace OneApi.Relay.Streaming;

/// <summary>Writes OpenAI-style SSE (<c>data: …\n\n</c>, no <c>event:</c> line) and flushes each event, as one-api does.</summary>
public static class SseWriter
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;
    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    public static ValueTask<FlushResult> WriteEventAsync(PipeWriter writer, ReadOnlySpan<byte> data, CancellationToken cancellationToken)
    {
        var span = writer.GetSpan(data.Length + 8);
        DataPrefix.CopyTo(span);
        data.CopyTo(span[DataPrefix.Length..]);
        EventEnd.CopyTo(span[(DataPrefix.Length + data.Length)..]);
        writer.Advance(DataPrefix.Length + data.Length + EventEnd.Length);
        return writer.FlushAsync(cancellationToken);
    }

    public static ValueTask<FlushResult> WriteDoneAsync(PipeWriter writer, CancellationToken cancellationToken) =>
        WriteEventAsync(writer, "[DONE]"u8, cancellationToken);
}
