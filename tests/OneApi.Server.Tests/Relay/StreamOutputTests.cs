using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Streaming;
using OneApi.Server.Relay;

namespace OneApi.Server.Tests.Relay;

/// <summary>When a relayed stream's events are sent: a burst at once, a slow stream event by event, never unbounded.</summary>
public sealed class StreamOutputTests
{
    /// <summary>A writer over memory that counts its flushes.</summary>
    private sealed class CountingWriter
    {
        public readonly MemoryStream Sent = new();
        public readonly PipeWriter Writer;
        public int Flushes;

        public CountingWriter() => Writer = new FlushCounter(PipeWriter.Create(Sent), this);

        public string Text => Encoding.UTF8.GetString(Sent.ToArray());

        private sealed class FlushCounter(PipeWriter inner, CountingWriter owner) : PipeWriter
        {
            public override void Advance(int bytes) => inner.Advance(bytes);
            public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
            public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
            public override void CancelPendingFlush() => inner.CancelPendingFlush();
            public override void Complete(Exception? exception = null) => inner.Complete(exception);

            public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
            {
                owner.Flushes++;
                return inner.FlushAsync(cancellationToken);
            }
        }
    }

    private static StreamFrame Frame(string data) => new(Encoding.UTF8.GetBytes(data));

    [Fact]
    public async Task ABurstThatArrivedAtOnce_IsSentOnce_WhenTheNextFrameHasToBeWaitedFor()
    {
        var client = new CountingWriter();
        var output = new StreamOutput(client.Writer, jsonArray: false, CancellationToken.None, clientLeft: () => { });
        var upstream = Channel.CreateUnbounded<StreamFrame>();
        foreach (var data in new[] { "1", "2", "3" })
        {
            upstream.Writer.TryWrite(Frame(data));
        }
        await using var frames = output.SendingWhileWaiting(upstream.Reader.ReadAllAsync(), CancellationToken.None).GetAsyncEnumerator();

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await frames.MoveNextAsync());
            await output.WriteAsync(frames.Current);
        }
        Assert.Equal((0, ""), (client.Flushes, client.Text));

        var fourth = frames.MoveNextAsync().AsTask();
        Assert.Equal((1, "data: 1\n\ndata: 2\n\ndata: 3\n\n"), (client.Flushes, client.Text));
        upstream.Writer.TryWrite(Frame("4"));
        Assert.True(await fourth);
    }

    [Fact]
    public async Task ASlowStream_SendsEachFrameBeforeWaitingForTheNext()
    {
        var client = new CountingWriter();
        var output = new StreamOutput(client.Writer, jsonArray: false, CancellationToken.None, clientLeft: () => { });
        var upstream = Channel.CreateUnbounded<StreamFrame>();
        await using var frames = output.SendingWhileWaiting(upstream.Reader.ReadAllAsync(), CancellationToken.None).GetAsyncEnumerator();
        var sent = new List<string>();

        for (var i = 1; i <= 3; i++)
        {
            var next = frames.MoveNextAsync().AsTask();
            sent.Add(client.Text);
            upstream.Writer.TryWrite(Frame($"{i}"));
            Assert.True(await next);
            await output.WriteAsync(frames.Current);
        }
        var end = frames.MoveNextAsync().AsTask();

        Assert.Equal(["", "data: 1\n\n", "data: 1\n\ndata: 2\n\n"], sent);
        Assert.Equal((3, "data: 1\n\ndata: 2\n\ndata: 3\n\n"), (client.Flushes, client.Text));
        upstream.Writer.Complete();
        Assert.False(await end);
    }

    [Fact]
    public async Task AnUpstreamThatIsAlwaysReady_IsSentInPiecesOfBoundedSize()
    {
        var client = new CountingWriter();
        var output = new StreamOutput(client.Writer, jsonArray: false, CancellationToken.None, clientLeft: () => { });
        var payload = new string('x', 1000);

        for (var i = 0; i < 100; i++)
        {
            await output.WriteAsync(Frame(payload));
        }

        Assert.InRange(client.Flushes, 5, 7);
        Assert.InRange(client.Sent.Length, 100 * 1000 - 20 * 1008, 100 * 1008);
    }

    [Fact]
    public async Task ASendTheClientRefuses_MarksItGone_AndReportsItOnce()
    {
        var pipe = new Pipe();
        await pipe.Reader.CompleteAsync();
        var left = 0;
        var output = new StreamOutput(pipe.Writer, jsonArray: false, CancellationToken.None, clientLeft: () => left++);

        await output.WriteAsync(Frame("1"));
        Assert.False(await output.SendAsync());
        await output.WriteAsync(Frame("2"));
        Assert.False(await output.SendAsync());

        Assert.Equal((true, 1), (output.ClientGone, left));
    }

    [Fact]
    public async Task AJsonArrayStream_IsWrittenAsOneArray()
    {
        var client = new CountingWriter();
        var output = new StreamOutput(client.Writer, jsonArray: true, CancellationToken.None, clientLeft: () => { });

        await output.WriteAsync(Frame("""{"a":1}"""));
        await output.WriteAsync(Frame("""{"a":2}"""));
        Assert.True(await output.SendAsync());
        await JsonArrayWriter.EndAsync(client.Writer, output.WroteAny, CancellationToken.None);

        Assert.Equal("[{\"a\":1}\n,\r\n{\"a\":2}]", client.Text);
    }
}
