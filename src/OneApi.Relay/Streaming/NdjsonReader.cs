using System.Runtime.CompilerServices;
using System.Text;

namespace OneApi.Relay.Streaming;

/// <summary>Streams framed as one JSON object per line (Ollama's <c>application/x-ndjson</c>), read as they arrive.</summary>
public static class NdjsonReader
{
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> LinesAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return Encoding.UTF8.GetBytes(line);
            }
        }
    }
}
