using System.Net.Http.Headers;
using System.Text.Json;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.OpenAI;

public static class OpenAIBody
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>The client's own bytes when nothing changed them, else the edited JSON.</summary>
    public static HttpContent From(RelayRequest request)
    {
        HttpContent content = request.BodyChanged
            ? new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request.Body, RelayJsonContext.Default.JsonObject))
            : new ReadOnlyMemoryContent(request.RawBody);
        content.Headers.ContentType = Json;
        return content;
    }
}
