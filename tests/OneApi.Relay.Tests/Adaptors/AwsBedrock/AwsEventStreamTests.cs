using System.Buffers.Binary;
using System.Text;
using OneApi.Relay.Adaptors.AwsBedrock;

namespace OneApi.Relay.Tests.Adaptors.AwsBedrock;

/// <summary>AWS event-stream framing: prelude, headers, payload and both CRC-32 checks.</summary>
public sealed class AwsEventStreamTests
{
    [Fact]
    public void Crc32_MatchesTheStandardCheckValue()
    {
        // The CRC-32/ISO-HDLC check value of "123456789".
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void KnownFrame_FromTheSpec_Decodes()
    {
        // A message with one string header "content-type: application/json" and payload {'foo':'bar'}, as in
        // the event-stream reference vectors (total 61 bytes, headers 32 bytes).
        var frame = Convert.FromHexString("0000003D0000002007FD83960C636F6E74656E742D747970650700106170706C69636174696F6E2F6A736F6E7B27666F6F273A27626172277D8D9C08B1");

        var message = AwsEventStream.Decode(frame);

        Assert.Equal("application/json", message.Headers["content-type"]);
        Assert.Equal("{'foo':'bar'}", Encoding.UTF8.GetString(message.Payload.Span));
    }

    [Fact]
    public async Task EncodedMessages_ReadBackInOrder()
    {
        var stream = new MemoryStream();
        stream.Write(AwsEventStream.Encode([new(":message-type", "event"), new(":event-type", "chunk")], "{\"bytes\":\"e30=\"}"u8));
        stream.Write(AwsEventStream.Encode([new(":message-type", "event"), new(":event-type", "chunk")], "second"u8));
        stream.Position = 0;

        var messages = new List<AwsEventMessage>();
        await foreach (var message in AwsEventStream.ReadAsync(stream, CancellationToken.None))
        {
            messages.Add(message);
        }

        Assert.Equal(2, messages.Count);
        Assert.Equal(("event", "chunk"), (messages[0].MessageType, messages[0].EventType));
        Assert.Equal("second", Encoding.UTF8.GetString(messages[1].Payload.Span));
    }

    [Fact]
    public void BadMessageCrc_IsRefused()
    {
        var frame = AwsEventStream.Encode([new(":message-type", "event")], "payload"u8);
        frame[^6] ^= 0xFF;

        var error = Assert.Throws<AwsEventStreamException>(() => AwsEventStream.Decode(frame));

        Assert.Contains("message CRC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadPreludeCrc_IsRefused()
    {
        var frame = AwsEventStream.Encode([new(":message-type", "event")], "payload"u8);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), 0xDEADBEEF);

        var error = Assert.Throws<AwsEventStreamException>(() => AwsEventStream.Decode(frame));

        Assert.Contains("prelude CRC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedStream_IsRefused()
    {
        var frame = AwsEventStream.Encode([new(":message-type", "event")], "payload"u8);

        await Assert.ThrowsAsync<AwsEventStreamException>(async () =>
        {
            await foreach (var _ in AwsEventStream.ReadAsync(new MemoryStream(frame[..^3]), CancellationToken.None))
            {
            }
        });
    }
}
