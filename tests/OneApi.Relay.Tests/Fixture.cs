using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests;

/// <summary>Recorded provider answers under <c>Fixtures/</c>, copied next to the test assembly.</summary>
internal static class Fixture
{
    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    public static MemoryStream Stream(string name) => new(Bytes(name), writable: false);

    /// <summary>A client request as the pipeline builds it: the client's own bytes, read by <see cref="JsonBody"/>.</summary>
    public static RelayRequest Request(string json, RelayMode mode = RelayMode.ChatCompletions, string query = "")
    {
        var body = Json(json);
        return new RelayRequest(mode, body, body.String("model")!) { Query = ParseQuery(query) };
    }

    /// <summary>A client's body as the pipeline reads it.</summary>
    public static JsonBody Json(string json) => JsonBody.Read(Encoding.UTF8.GetBytes(json)).Body ?? throw new ArgumentException("not a JSON object", nameof(json));

    /// <summary>"a=1&amp;b" as the pipeline passes a URL's query: case-insensitive names, a bare name has an empty value.</summary>
    public static IReadOnlyDictionary<string, string> ParseQuery(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "", StringComparer.OrdinalIgnoreCase);

    /// <summary>The JSON body of a built upstream request.</summary>
    public static JsonObject BodyOf(HttpRequestMessage message) =>
        JsonNode.Parse(message.Content!.ReadAsStream())!.AsObject();
}
