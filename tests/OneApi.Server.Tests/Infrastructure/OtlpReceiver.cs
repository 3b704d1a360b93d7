using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// An OTLP/HTTP trace receiver on a loopback port (<c>POST /v1/traces</c>, protobuf), keeping the spans it is sent.
/// Reads just the fields the tests look at, straight from the protobuf wire format.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private WebApplication _app = null!;

    public string Endpoint { get; private set; } = "";

    public IReadOnlyList<ReceivedSpan> Spans => _spans.ToArray();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            foreach (var span in ReadRequest(buffer.ToArray()))
            {
                receiver._spans.Enqueue(span);
            }
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        receiver._app = app;
        receiver.Endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>Waits until a span matches, for up to <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<ReceivedSpan>> WaitForAsync(Func<ReceivedSpan, bool> match, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!Spans.Any(match) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        return Spans;
    }

    // ExportTraceServiceRequest { 1: ResourceSpans { 2: ScopeSpans { 2: Span } } }
    private static IEnumerable<ReceivedSpan> ReadRequest(byte[] body) =>
        from resource in Fields(body).Where(f => f.Number == 1)
        from scope in Fields(resource.Bytes).Where(f => f.Number == 2)
        from span in Fields(scope.Bytes).Where(f => f.Number == 2)
        select ReadSpan(span.Bytes);

    // Span { 1: trace_id, 2: span_id, 4: parent_span_id, 5: name, 9: KeyValue { 1: key, 2: AnyValue { 1: string, 3: int } } }
    private static ReceivedSpan ReadSpan(ReadOnlyMemory<byte> span)
    {
        var fields = Fields(span).ToList();
        string Hex(int number) => Convert.ToHexString(fields.FirstOrDefault(f => f.Number == number).Bytes.Span);
        var attributes = new Dictionary<string, string>();
        foreach (var attribute in fields.Where(f => f.Number == 9))
        {
            var parts = Fields(attribute.Bytes).ToList();
            var key = Encoding.UTF8.GetString(parts.First(p => p.Number == 1).Bytes.Span);
            var value = Fields(parts.First(p => p.Number == 2).Bytes).FirstOrDefault();
            attributes[key] = value.WireType == 2 ? Encoding.UTF8.GetString(value.Bytes.Span) : value.Varint.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return new ReceivedSpan(Hex(1), Hex(2), Hex(4), Encoding.UTF8.GetString(fields.First(f => f.Number == 5).Bytes.Span), attributes);
    }

    private readonly record struct Field(int Number, int WireType, long Varint, ReadOnlyMemory<byte> Bytes);

    private static IEnumerable<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message.Span, ref position);
            var (number, wireType) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wireType)
            {
                case 0:
                    yield return new Field(number, wireType, ReadVarint(message.Span, ref position), default);
                    break;
                case 1:
                    yield return new Field(number, wireType, 0, message.Slice(position, 8));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref position);
                    yield return new Field(number, wireType, 0, message.Slice(position, length));
                    position += length;
                    break;
                case 5:
                    yield return new Field(number, wireType, 0, message.Slice(position, 4));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {wireType}");
            }
        }
    }

    private static long ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        long value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[position++];
            value |= (long)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);
