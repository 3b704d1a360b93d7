using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace OneApi.Relay.Adaptors.AwsBedrock;

/// <summary>One message of AWS's binary event stream: its headers (string values only are kept) and payload.</summary>
public sealed record AwsEventMessage(IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Payload)
{
    public string? MessageType => Headers.GetValueOrDefault(":message-type");
    public string? EventType => Headers.GetValueOrDefault(":event-type");
    public string? ExceptionType => Headers.GetValueOrDefault(":exception-type");
}

/// <summary>The stream's framing is broken: a length out of range, a CRC that does not match, a truncated message.</summary>
public sealed class AwsEventStreamException(string message) : Exception(message);

/// <summary>
/// AWS's <c>application/vnd.amazon.eventstream</c> framing, used by Bedrock's <c>invoke-with-response-stream</c>
/// (https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html): a 12-byte prelude (total length, headers
/// length, CRC32 of those 8 bytes), the headers, the payload, and a CRC32 of everything before it. Both CRCs are checked.
/// </summary>
public static class AwsEventStream
{
    private const int PreludeLength = 12;
    private const int MaxMessageLength = 16 * 1024 * 1024;

    public static async IAsyncEnumerable<AwsEventMessage> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prelude = new byte[PreludeLength];
        while (true)
        {
            var read = await ReadFullyAsync(stream, prelude, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                yield break;
            }
            if (read < PreludeLength)
            {
                throw new AwsEventStreamException("the stream ended inside a message prelude");
            }
            var totalLength = BinaryPrimitives.ReadInt32BigEndian(prelude);
            if (totalLength < PreludeLength + 4 || totalLength > MaxMessageLength)
            {
                throw new AwsEventStreamException($"message length {totalLength} is out of range");
            }
            var message = new byte[totalLength];
            prelude.CopyTo(message, 0);
            if (await ReadFullyAsync(stream, message.AsMemory(PreludeLength), cancellationToken).ConfigureAwait(false) < totalLength - PreludeLength)
            {
                throw new AwsEventStreamException("the stream ended inside a message");
            }
            yield return Decode(message);
        }
    }

    /// <summary>Decodes one whole message, checking both CRCs.</summary>
    public static AwsEventMessage Decode(ReadOnlySpan<byte> message)
    {
        if (message.Length < PreludeLength + 4)
        {
            throw new AwsEventStreamException("message shorter than its prelude");
        }
        var totalLength = BinaryPrimitives.ReadInt32BigEndian(message);
        var headersLength = BinaryPrimitives.ReadInt32BigEndian(message[4..]);
        if (totalLength != message.Length || headersLength < 0 || headersLength > totalLength - PreludeLength - 4)
        {
            throw new AwsEventStreamException("message lengths do not add up");
        }
        if (Crc32.Compute(message[..8]) != BinaryPrimitives.ReadUInt32BigEndian(message[8..]))
        {
            throw new AwsEventStreamException("prelude CRC mismatch");
        }
        if (Crc32.Compute(message[..^4]) != BinaryPrimitives.ReadUInt32BigEndian(message[^4..]))
        {
            throw new AwsEventStreamException("message CRC mismatch");
        }
        var headers = ReadHeaders(message.Slice(PreludeLength, headersLength));
        var payload = message[(PreludeLength + headersLength)..^4].ToArray();
        return new AwsEventMessage(headers, payload);
    }

    /// <summary>Encodes a message with string headers (what Bedrock sends); for tests and fakes.</summary>
    public static byte[] Encode(IEnumerable<KeyValuePair<string, string>> headers, ReadOnlySpan<byte> payload)
    {
        using var headerBytes = new MemoryStream();
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            headerBytes.WriteByte((byte)nameBytes.Length);
            headerBytes.Write(nameBytes);
            headerBytes.WriteByte(7);
            headerBytes.WriteByte((byte)(valueBytes.Length >> 8));
            headerBytes.WriteByte((byte)valueBytes.Length);
            headerBytes.Write(valueBytes);
        }
        var totalLength = PreludeLength + (int)headerBytes.Length + payload.Length + 4;
        var message = new byte[totalLength];
        BinaryPrimitives.WriteInt32BigEndian(message, totalLength);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(4), (int)headerBytes.Length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), Crc32.Compute(message.AsSpan(0, 8)));
        headerBytes.ToArray().CopyTo(message, PreludeLength);
        payload.CopyTo(message.AsSpan(PreludeLength + (int)headerBytes.Length));
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(totalLength - 4), Crc32.Compute(message.AsSpan(0, totalLength - 4)));
        return message;
    }

    private static Dictionary<string, string> ReadHeaders(ReadOnlySpan<byte> span)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!span.IsEmpty)
        {
            var nameLength = span[0];
            if (span.Length < 1 + nameLength + 1)
            {
                throw new AwsEventStreamException("truncated header");
            }
            var name = Encoding.UTF8.GetString(span.Slice(1, nameLength));
            var type = span[1 + nameLength];
            span = span[(2 + nameLength)..];
            int valueLength = type switch
            {
                0 or 1 => 0,
                2 => 1,
                3 => 2,
                4 => 4,
                5 or 8 => 8,
                9 => 16,
                6 or 7 when span.Length >= 2 => 2 + BinaryPrimitives.ReadUInt16BigEndian(span),
                _ => throw new AwsEventStreamException($"header {name} has unknown type {type}"),
            };
            if (span.Length < valueLength)
            {
                throw new AwsEventStreamException("truncated header value");
            }
            if (type == 7)
            {
                headers[name] = Encoding.UTF8.GetString(span.Slice(2, valueLength - 2));
            }
            span = span[valueLength..];
        }
        return headers;
    }

    private static async Task<int> ReadFullyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }
}

/// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as the event stream uses.</summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[i] = c;
        }
        return table;
    }
}
