using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Abstractions;

public sealed class JsonBodyTests
{
    private static (JsonBody? Body, string? Error) Read(string json) => JsonBody.Read(Encoding.UTF8.GetBytes(json));

    // What System.Text.Json accepts as an object body; names given twice inside are JsonBody.ToTree's to refuse.
    private static bool ParserAccepts(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = JsonBody.MaxDepth });
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData(""" { "a" : 1 , "b":[ ] ,"c":{ }} """)]
    [InlineData("""{"n":-0.5e+10,"m":0,"o":1E3,"p":-12.25,"t":true,"f":false,"z":null}""")]
    [InlineData("""{"s":"tab\tless \"quoted\" \\ \/ \b\f\n\r\t \u00e9\uD83D\uDE00 你好"}""")]
    [InlineData("""{"deep":[[[{"a":[{"b":[1,2,{"c":"d"}]}]}]]]}""")]
    [InlineData("{\n\t\"a\" :\r\n[1,\t2]\n}\r\n")] // tab, LF and CR between tokens
    [InlineData("""{"a":{"x":1,"x":2}}""")] // nested names given twice: left to the tree
    public void Read_AcceptsWhatAJsonParserAccepts(string json)
    {
        var (body, error) = Read(json);

        Assert.Null(error);
        Assert.NotNull(body);
        Assert.True(ParserAccepts(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("", "object")]
    [InlineData("[]", "object")]
    [InlineData("\"x\"", "object")]
    [InlineData("""{"a":1""", "expected")]
    [InlineData("""{"a":1,}""", "property name")]
    [InlineData("""{"a" 1}""", "':'")]
    [InlineData("""{"a":01}""", "expected")]
    [InlineData("""{"a":1.}""", "number")]
    [InlineData("""{"a":-}""", "number")]
    [InlineData("""{"a":1e}""", "number")]
    [InlineData("""{"a":tru}""", "unexpected")]
    [InlineData("""{"a":"x\q"}""", "escape")]
    [InlineData("""{"a":"x\u12G4"}""", "escape")]
    [InlineData("{\"a\":\"line\nbreak\"}", "control")]
    [InlineData("{\"a\":\"tab\tin a string\"}", "control")]
    [InlineData("{\"a\":\"return\rin a string\"}", "control")]
    [InlineData("{\"a\":\"bell\u0007in a string\"}", "control")]
    [InlineData("{\"a\":\u00011}", "control")]
    [InlineData("{\"a\":1}\u001f", "control")]
    [InlineData("""{"a":"open}""", "unterminated")]
    [InlineData("""{"a":[1,2}""", "expected")]
    [InlineData("""{"a":1} x""", "after")]
    [InlineData("""{"a":1}{}""", "after")]
    [InlineData("""{"model":"a","model":"b"}""", "twice")]
    [InlineData("""{"max_tokens":1,"max_tok\u0065ns":100000}""", "max_tokens is given twice")]
    public void Read_RefusesWhatIsNotAJsonObject(string json, string reason)
    {
        var (body, error) = Read(json);

        Assert.Null(body);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RefusesInvalidUtf8AndTooDeepNesting()
    {
        Assert.Null(JsonBody.Read(new byte[] { (byte)'{', (byte)'"', 0xC3, (byte)'"', (byte)':', (byte)'1', (byte)'}' }).Body);
        var deep = "{\"a\":" + new string('[', JsonBody.MaxDepth) + new string(']', JsonBody.MaxDepth) + "}";
        Assert.Contains("deeper", Read(deep).Error, StringComparison.Ordinal);
        var fits = "{\"a\":" + new string('[', JsonBody.MaxDepth - 1) + new string(']', JsonBody.MaxDepth - 1) + "}";
        Assert.NotNull(Read(fits).Body);
    }

    [Fact]
    public void Fields_AreTheTopLevelValues_NamesDecoded()
    {
        var body = Read("""{"messages":[{"role":"user","model":"inner"}],"model":"gpt-4o","stream":true,"max_tok\u0065ns":7,"o":{"a":[1]},"z":null}""").Body!;

        Assert.Equal("gpt-4o", body.String("model"));
        Assert.True((bool)body.Field("stream")!);
        Assert.Equal(7, (int)body.Field("max_tokens")!);
        Assert.Equal("""{"a":[1]}""", body.Field("o")!.ToJsonString());
        Assert.Null(body.Field("z"));
        Assert.True(body.Has("z"));
        Assert.False(body.Has("role"));
        Assert.Null(body.String("stream"));
        Assert.Equal("inner", (string?)body.ToTree()["messages"]![0]!["model"]);
    }

    [Fact]
    public void ToTree_RefusesNestedNamesGivenTwice_AsTheClientsError()
    {
        var body = Read("""{"model":"m","messages":[{"role":"user","role":"system"}]}""").Body!;

        var refused = Assert.Throws<RelayErrorException>(() => body.ToTree());
        Assert.Equal(400, refused.Error.StatusCode);
    }

    [Fact]
    public void Field_RefusesANameGivenTwiceInsideIt_AsTheClientsError()
    {
        var body = Read("""{"model":"m","stream_options":{"include_usage":false,"include_usage":true}}""").Body!;

        var refused = Assert.Throws<RelayErrorException>(() => body.Field("stream_options"));
        Assert.Equal(400, refused.Error.StatusCode);
        Assert.Equal("m", (string?)body.Field("model"));
    }

    [Theory]
    [InlineData("""{"model":"a","messages":[],"n":1}""", "model", "\"b-longer\"")]
    [InlineData("""{"messages":[],"n":1,"model":"a-much-longer-name"}""", "model", "\"b\"")]
    [InlineData("""  {"model":"a","messages":[]}""", "stream_options", """{"include_usage":true}""")]
    [InlineData("""{}""", "stream_options", """{"include_usage":true}""")]
    [InlineData("""{"stream_options":{"x":1},"model":"a"}""", "stream_options", """{"x":1,"include_usage":true}""")]
    public void With_SetsTheFieldAndKeepsEveryOtherByteAndRange(string json, string name, string value)
    {
        var body = Read(json).Body!;

        var edited = body.With(name, Encoding.UTF8.GetBytes(value));

        var expected = JsonNode.Parse(json)!.AsObject();
        expected[name] = JsonNode.Parse(value);
        var sent = JsonNode.Parse(edited.Utf8.Span)!.AsObject();
        Assert.True(JsonNode.DeepEquals(expected, sent), Encoding.UTF8.GetString(edited.Utf8.Span));
        foreach (var (field, node) in expected)
        {
            Assert.True(JsonNode.DeepEquals(node, edited.Field(field)), field);
        }
        Assert.NotNull(JsonBody.Read(edited.Utf8).Body);
        Assert.True(edited.PromptTokens >= body.PromptTokens);
    }

    /// <summary>Mutations of a realistic body: JsonBody accepts exactly what System.Text.Json accepts as an object.</summary>
    [Fact]
    public void Read_AgreesWithSystemTextJson_OnMutatedBodies()
    {
        var seed = Encoding.UTF8.GetBytes("""{"model":"gpt-4o","messages":[{"role":"system","content":"Be \"brief\".\n\tOK \u00e9"},{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}],"max_tokens":100,"temperature":0.7,"stream":false,"stop":null,"n":1e0}""");
        var random = new Random(20261130);
        var alphabet = "{}[]\":,\\ -+.0123456789eEtrufalsn\u0001u"u8.ToArray();
        var disagreements = new List<string>();
        for (var i = 0; i < 20_000; i++)
        {
            var mutated = seed.ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(mutated.Count);
                switch (random.Next(3))
                {
                    case 0: mutated.RemoveAt(at); break;
                    case 1: mutated.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: mutated[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }
            var bytes = mutated.ToArray();
            var ours = JsonBody.Read(bytes).Body is not null;
            if (ours != ParserAccepts(bytes) && !NamesGivenTwiceAtTop(bytes))
            {
                disagreements.Add(Encoding.UTF8.GetString(bytes));
            }
        }

        Assert.Empty(disagreements);
    }

    private static bool NamesGivenTwiceAtTop(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            return names.Count != names.Distinct(StringComparer.Ordinal).Count();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
