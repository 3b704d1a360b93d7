using System.IO.Pipelines;
using System.Text;
using OneApi.Relay.Streaming;

namespace OneApi.Relay.Tests.Streaming;

public sealed class SseTests
{
    private static async Task<List<SseEvent>> ReadAllAsync(Stream stream)
    {
        var events = new List<SseEvent>();
        await foreach (var item in SseReader.ReadAsync(stream, CancellationToken.None))
        {
            events.Add(item);
        }
        return events;
    }

    private static Task<List<SseEvent>> ReadAllAsync(string text) => ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    private static async Task<byte[]> WriteAsync(Func<PipeWriter, Task> write)
    {
        var output = new MemoryStream();
        var writer = PipeWriter.Create(output);
        await write(writer);
        await writer.CompleteAsync();
        return output.ToArray();
    }

    private static Task<byte[]> WriteAsync(Action<PipeWriter> write) =>
        WriteAsync(w => { write(w); return Task.CompletedTask; });

    [Fact]
    public async Task Writer_WritesDataLineAndBlankLine()
    {
        var bytes = await WriteAsync(w => SseWriter.WriteEvent(w, """{"a":1}"""u8));

        Assert.Equal("data: {\"a\":1}\n\n", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task JsonArrayWriter_WritesElementsAsOneArray_AndAnEmptyOneWhenNoneCame()
    {
        var two = await WriteAsync(async w =>
        {
            JsonArrayWriter.WriteElement(w, """{"a":1}"""u8, first: true);
            JsonArrayWriter.WriteElement(w, """{"a":2}"""u8, first: false);
            await JsonArrayWriter.EndAsync(w, wroteAny: true, CancellationToken.None);
        });
        var none = await WriteAsync(async w => await JsonArrayWriter.EndAsync(w, wroteAny: false, CancellationToken.None));

        Assert.Equal("[{\"a\":1}\n,\r\n{\"a\":2}]", Encoding.UTF8.GetString(two));
        Assert.Equal(2, System.Text.Json.Nodes.JsonNode.Parse(two)!.AsArray().Count);
        Assert.Equal("[]", Encoding.UTF8.GetString(none));
    }

    [Fact]
    public async Task Writer_Done_WritesDoneMarker()
    {
        var bytes = await WriteAsync(async w => await SseWriter.WriteDoneAsync(w, CancellationToken.None));

        Assert.Equal("data: [DONE]\n\n", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task WriterThenReader_RoundTripsEventsAndDone()
    {
        string[] payloads = ["""{"choices":[{"delta":{"content":"é"}}]}""", "plain text", "", new string('x', 100_000)];
        var bytes = await WriteAsync(async w =>
        {
            foreach (var payload in payloads)
            {
                SseWriter.WriteEvent(w, Encoding.UTF8.GetBytes(payload));
            }
            await SseWriter.WriteDoneAsync(w, CancellationToken.None);
        });

        var events = await ReadAllAsync(new MemoryStream(bytes));

        Assert.Equal([.. payloads, "[DONE]"], events.Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.Equal([false, false, false, false, true], events.Select(e => e.IsDone));
        Assert.All(events, e => Assert.Equal("message", e.EventType));
    }

    [Fact]
    public async Task WriterThenReader_MultiLinePayload_RoundTrips()
    {
        const string payload = "{\n  \"choices\": []\n}";
        var bytes = await WriteAsync(w => SseWriter.WriteEvent(w, Encoding.UTF8.GetBytes(payload)));

        var events = await ReadAllAsync(new MemoryStream(bytes));

        Assert.Equal(payload, Encoding.UTF8.GetString(Assert.Single(events).Data));
    }

    [Fact]
    public async Task Writer_PayloadWithLineBreaks_WritesOneDataLinePerLine()
    {
        var bytes = await WriteAsync(w => SseWriter.WriteEvent(w, "a\r\nb\rc\n"u8));

        Assert.Equal("data: a\ndata: b\ndata: c\ndata: \n\n", Encoding.UTF8.GetString(bytes));
        Assert.Equal("a\nb\nc\n", Encoding.UTF8.GetString(Assert.Single(await ReadAllAsync(new MemoryStream(bytes))).Data));
    }

    [Fact]
    public async Task Reader_MultipleDataLines_JoinsWithNewline()
    {
        var events = await ReadAllAsync("data: {\"a\":\ndata: 1}\n\n");

        Assert.Equal("{\"a\":\n1}", Encoding.UTF8.GetString(Assert.Single(events).Data));
    }

    [Fact]
    public async Task Reader_CrlfAndCrLineEndings_AreAccepted()
    {
        var events = await ReadAllAsync("data: one\r\n\r\ndata: two\r\rdata: [DONE]\r\n\r\n");

        Assert.Equal(["one", "two", "[DONE]"], events.Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.True(events[^1].IsDone);
    }

    [Fact]
    public async Task Reader_EventField_SetsEventType()
    {
        var events = await ReadAllAsync("event: message_start\ndata: {}\n\n");

        Assert.Equal("message_start", Assert.Single(events).EventType);
    }

    [Theory]
    [InlineData("[DONE] ")]
    [InlineData("[done]")]
    [InlineData("\"[DONE]\"")]
    public async Task Reader_NearDoneMarkers_AreNotDone(string data)
    {
        var events = await ReadAllAsync($"data: {data}\n\n");

        Assert.False(Assert.Single(events).IsDone);
    }

    [Fact]
    public async Task Reader_DataWithoutSpace_StripsOnlyTheField()
    {
        var events = await ReadAllAsync("data:[DONE]\n\ndata:  two spaces\n\n");

        Assert.True(events[0].IsDone);
        Assert.Equal(" two spaces", Encoding.UTF8.GetString(events[1].Data));
    }
}
