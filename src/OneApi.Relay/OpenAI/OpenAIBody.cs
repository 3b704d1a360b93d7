using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.OpenAI;

public static class OpenAIBody
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    // Text stays UTF-8, as Go's encoding/json writes it; the default encoder's \uXXXX escapes would double a CJK
    // prompt's size. The relaxed encoder is only "unsafe" for HTML embedding, which an API body never is.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The client's own bytes when nothing changed them, else the edited JSON.</summary>
    public static HttpContent From(RelayRequest request)
    {
        HttpContent content = request.BodyChanged
            ? new ReadOnlyMemoryContent(Serialize(request))
            : new ReadOnlyMemoryContent(request.RawBody);
        content.Headers.ContentType = Json;
        return content;
    }

    private static ReadOnlyMemory<byte> Serialize(RelayRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(request.RawBody.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            request.Body.WriteTo(writer);
        }
        return buffer.WrittenMemory;
    }
}
