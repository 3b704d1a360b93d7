using System.Net;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors.Cohere;

/// <summary>The common rerank request as Cohere's v2 rerank (https://docs.cohere.com/reference/rerank) and back.</summary>
public sealed class CohereRerankTests
{
    private const int Cohere = 35;

    private static IChannelAdaptor Adaptor => TestAdaptors.For(Cohere, "rerank-v3.5");

    private static RelayRequest Rerank(string extra = "") => Fixture.Request($$"""
        {"model":"rerank-v3.5","query":"Capital of the United States?","documents":["Carson City is in Nevada.",{"text":"Saipan is an island."},"Washington, D.C. is the capital."]{{extra}}}
        """, RelayMode.Rerank);

    private static async Task<UpstreamAnswer> ReadAsync(string fixture, RelayRequest request)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes(fixture)) };
        return await Adaptor.ReadAnswerAsync(response, request, CancellationToken.None);
    }

    [Fact]
    public void Request_GoesToV2Rerank_WithDocumentsAsStrings_AndOnlyCohereFields()
    {
        using var message = Adaptor.Build(Rerank(""","top_n":2,"return_documents":true,"max_tokens_per_doc":512"""),
            new UpstreamChannel(1, Cohere, "co-key", "", ChannelConfig.Empty));

        Assert.Equal("https://api.cohere.ai/v2/rerank", message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer co-key", message.Headers.Authorization!.ToString());
        Assert.Equal("""
            {"model":"rerank-v3.5","query":"Capital of the United States?","documents":["Carson City is in Nevada.","Saipan is an island.","Washington, D.C. is the capital."],"top_n":2,"max_tokens_per_doc":512}
            """, Fixture.BodyOf(message).ToJsonString());
    }

    [Fact]
    public async Task Answer_BecomesCommonShape_BilledBySearchUnits()
    {
        var answer = await ReadAsync("cohere/rerank.json", Rerank());

        Assert.Null(answer.Error);
        Assert.Equal(Usage.Of(1, 0), answer.Usage);
        var json = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal("07734bd2-2473-4f07-94e1-0d9f0e6843cf", (string?)json["id"]);
        Assert.Equal("""[{"index":2,"relevance_score":0.999071},{"index":0,"relevance_score":0.32713068}]""", json["results"]!.ToJsonString());
        Assert.Equal(1, (int?)json["meta"]!["billed_units"]!["search_units"]);
    }

    [Fact]
    public async Task ReturnDocuments_AreFilledFromTheRequest_ByIndex()
    {
        var answer = await ReadAsync("cohere/rerank.json", Rerank(""","return_documents":true"""));

        var results = JsonNode.Parse(answer.Body.Span)!["results"]!.AsArray();
        Assert.Equal("Washington, D.C. is the capital.", (string?)results[0]!["document"]!["text"]);
        Assert.Equal("Carson City is in Nevada.", (string?)results[1]!["document"]!["text"]);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(100, 1)]
    [InlineData(101, 2)]
    [InlineData(250, 3)]
    public async Task AnswerWithoutBilledUnits_IsBilledOneSearchPerHundredDocuments(int documents, int searches)
    {
        var request = Fixture.Request(new JsonObject
        {
            ["model"] = "rerank-v3.5", ["query"] = "q", ["documents"] = new JsonArray([.. Enumerable.Range(0, documents).Select(i => (JsonNode)$"doc {i}")]),
        }.ToJsonString(), RelayMode.Rerank);
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"id":"x","results":[]}""") };

        var answer = await Adaptor.ReadAnswerAsync(response, request, CancellationToken.None);

        Assert.Equal(Usage.Of(searches, 0), answer.Usage);
        Assert.Equal(searches, Adaptor.RerankUnits(request));
    }

    [Theory]
    [InlineData("""{"id":"x"}""")]
    [InlineData("""not json""")]
    public async Task AnswerWithoutResults_IsMalformed(string body)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) };

        var answer = await Adaptor.ReadAnswerAsync(response, Rerank(), CancellationToken.None);

        Assert.Equal((RelayErrorKind.UpstreamMalformed, 502), (answer.Error!.Kind, answer.Error.StatusCode));
    }

    [Fact]
    public void Error_KeepsStatusAndCoheresMessage()
    {
        var error = Adaptor.ReadError(400, Fixture.Bytes("cohere/rerank_error_400.json"));

        Assert.Equal((400, "invalid request: list of documents must not be empty"), (error.StatusCode, error.Message));
    }
}
