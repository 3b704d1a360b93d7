using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests;

/// <summary>Recorded provider answers under <c>Fixtures/</c>, copied next to the test assembly.</summary>
internal static class Fixture
{
    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    public static MemoryStream Stream(string name) => new(Bytes(name), writable: false);

    /// <summary>A client request as the pipeline builds it: the parsed body beside the client's own bytes.</summary>
    public static RelayRequest Request(string json, RelayMode mode = RelayMode.ChatCompletions)
    {
        var raw = Encoding.UTF8.GetBytes(json);
        var body = JsonNode.Parse(raw)!.AsObject();
        return new RelayRequest(mode, body, raw, body["model"]!.GetValue<string>());
    }
}
