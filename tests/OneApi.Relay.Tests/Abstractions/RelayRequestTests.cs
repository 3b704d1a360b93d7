using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Abstractions;

public sealed class RelayRequestTests
{
    [Theory]
    [InlineData("""{"model":"m","stream":true}""", true)]
    [InlineData("""{"model":"m","stream":false}""", false)]
    [InlineData("""{"model":"m"}""", false)]
    [InlineData("""{"model":"m","stream":"true"}""", false)]
    [InlineData("""{"model":"m","stream":null}""", false)]
    public void IsStream_ReadsBooleanStreamField(string json, bool expected)
    {
        Assert.Equal(expected, Fixture.Request(json).IsStream);
    }

    [Theory]
    [InlineData("""{"model":"m","max_tokens":100}""", 100)]
    [InlineData("""{"model":"m","max_completion_tokens":200}""", 200)]
    [InlineData("""{"model":"m","max_tokens":100,"max_completion_tokens":200}""", 100)]
    [InlineData("""{"model":"m"}""", null)]
    [InlineData("""{"model":"m","max_tokens":"100"}""", null)]
    public void MaxTokens_ReadsMaxTokensThenMaxCompletionTokens(string json, int? expected)
    {
        Assert.Equal(expected, Fixture.Request(json).MaxTokens);
    }

    [Fact]
    public void NewRequest_IsUnchangedWithModelFromBody()
    {
        var request = Fixture.Request("""{"model":"gpt-4o"}""");

        Assert.False(request.BodyChanged);
        Assert.Equal("gpt-4o", request.Model);
        Assert.Equal("gpt-4o", request.OriginModel);
    }

    [Fact]
    public void Edit_AppliesChangeAndMarksBodyChanged()
    {
        var request = Fixture.Request("""{"model":"gpt-4o","stream":false}""");

        request.Edit(body => body["stream"] = true);

        Assert.True(request.BodyChanged);
        Assert.True(request.IsStream);
    }

    [Fact]
    public void MapModel_ToOtherModel_ChangesModelAndBodyButKeepsOrigin()
    {
        var request = Fixture.Request("""{"model":"gpt-4o"}""");

        request.MapModel("gpt-4o-2024-11-20");

        Assert.False(request.BodyChanged); // spliced into the client's bytes
        Assert.Equal("gpt-4o-2024-11-20", (string?)JsonNode.Parse(request.RawBody.Span)!["model"]);
        Assert.Equal("gpt-4o-2024-11-20", request.Model);
        Assert.Equal("gpt-4o-2024-11-20", (string?)request.Body["model"]);
        Assert.Equal("gpt-4o", request.OriginModel);
    }

    [Fact]
    public void MapModel_ToSameModel_LeavesBodyUnchanged()
    {
        var request = Fixture.Request("""{"model":"gpt-4o"}""");

        request.MapModel("gpt-4o");

        Assert.False(request.BodyChanged);
    }

    [Fact]
    public void Fresh_AfterMappingAndEdits_IsTheClientRequestAgain()
    {
        var request = Fixture.Request("""{"model":"gpt-4o","messages":[]}""");
        request = new RelayRequest(request.Mode, request.Body, request.RawBody, request.OriginModel)
        {
            Query = new Dictionary<string, string> { ["reasoning_format"] = "thinking" },
        };
        request.MapModel("gpt-4o-2024-08-06");
        request.Edit(body => body["stream_options"] = new JsonObject { ["include_usage"] = true });

        var fresh = request.Fresh();

        Assert.False(fresh.BodyChanged);
        Assert.Equal(("gpt-4o", "gpt-4o"), (fresh.Model, fresh.OriginModel));
        Assert.Null(fresh.Body["stream_options"]);
        Assert.Equal("gpt-4o", (string?)fresh.Body["model"]);
        Assert.Equal(request.RawBody.ToArray(), fresh.RawBody.ToArray());
        Assert.Equal("thinking", fresh.Query["reasoning_format"]);
        // The original keeps its own edits.
        Assert.Equal("gpt-4o-2024-08-06", request.Model);
    }

    [Fact]
    public void Fresh_ModelNotInBody_PutsOriginModelInBody()
    {
        // e.g. /v1/engines/{model}/embeddings: the model comes from the path, not the body.
        var raw = """{"input":"hi"}"""u8.ToArray();
        var request = new RelayRequest(RelayMode.Embeddings, JsonNode.Parse(raw)!.AsObject(), raw, "text-embedding-3-small");

        var fresh = request.Fresh();

        Assert.True(fresh.BodyChanged);
        Assert.Equal("text-embedding-3-small", (string?)fresh.Body["model"]);
    }

    [Fact]
    public void RawBody_IsTheClientBytes()
    {
        var request = new RelayRequest(RelayMode.Embeddings, new JsonObject(), "{ }"u8.ToArray(), "m");

        Assert.Equal("{ }"u8.ToArray(), request.RawBody.ToArray());
        Assert.Equal(RelayMode.Embeddings, request.Mode);
    }

    [Theory]
    [InlineData(RelayMode.ChatCompletions, "/v1/chat/completions")]
    [InlineData(RelayMode.Completions, "/v1/completions")]
    [InlineData(RelayMode.Embeddings, "/v1/embeddings")]
    [InlineData(RelayMode.Moderations, "/v1/moderations")]
    public void ModePath_IsOpenAIPath(RelayMode mode, string path)
    {
        Assert.Equal(path, mode.Path());
    }

    [Theory]
    [InlineData("""{"model":"m","stream":true,"messages":[]}""")]
    [InlineData("""  {"model":"m"}""")]
    [InlineData("""{ "model" : "m" }""")]
    public void AskForStreamUsage_WithoutStreamOptions_SplicesTheFieldIntoTheClientsBytes(string json)
    {
        var request = Fixture.Request(json);

        request.AskForStreamUsage();

        Assert.False(request.BodyChanged); // the bytes go upstream as they are, not re-serialized
        var sent = JsonNode.Parse(request.RawBody.Span)!.AsObject();
        Assert.True((bool)sent["stream_options"]!["include_usage"]!);
        Assert.Equal(JsonNode.Parse(json)!.AsObject().Count + 1, sent.Count);
        Assert.True((bool)request.Body["stream_options"]!["include_usage"]!);
        Assert.Equal(json, System.Text.Encoding.UTF8.GetString(request.Fresh().RawBody.Span));
    }

    [Fact]
    public void AskForStreamUsage_WithStreamOptions_EditsThemAndKeepsTheRest()
    {
        var request = Fixture.Request("""{"model":"m","stream_options":{"include_usage":false,"x":1}}""");

        request.AskForStreamUsage();

        Assert.False(request.BodyChanged);
        Assert.Equal("""{"model":"m","stream_options":{"include_usage":true,"x":1}}""", System.Text.Encoding.UTF8.GetString(request.RawBody.Span));
        Assert.Equal("""{"include_usage":true,"x":1}""", request.Body["stream_options"]!.ToJsonString());
    }

    [Fact]
    public void AskForStreamUsage_ThenAnotherEdit_KeepsTheUsageField()
    {
        var request = Fixture.Request("""{"model":"m"}""");

        request.AskForStreamUsage();
        request.MapModel("other");
        request.Edit(body => body["n"] = 1);

        Assert.True(request.BodyChanged);
        Assert.True((bool)request.Body["stream_options"]!["include_usage"]!);
        Assert.Equal("other", (string?)request.Body["model"]);
    }
}
