using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Relay.Tokens;
using OneApi.Server.Relay;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Relay;

/// <summary><c>POST /v1/rerank</c> with a raw HttpClient (the OpenAI SDK has no rerank) to a fake Cohere and a fake Jina.</summary>
public sealed class RerankRelayTests(SpecialRoutesPool pool) : IClassFixture<SpecialRoutesPool>
{
    private const int Cohere = 35, Custom = 8;
    private const string CohereModel = "rerank-v3.5", JinaModel = "jina-reranker-v2-base-multilingual";
    /// <summary>Cohere's $2 per 1000 searches at 500 000 quota per dollar.</summary>
    private const long QuotaPerSearch = 1000;
    /// <summary>A model without a built-in ratio: one-api's 2.5 × 0.5.</summary>
    private const double UnknownRatio = 1.25;

    private static string Body(string model, string extra = "") =>
        $$"""{"model":"{{model}}","query":"Which one is a fruit?","documents":["a stone",{"text":"an apple"}]{{extra}}}""";

    private Task<(TestAccount Account, int ChannelId)> CohereAsync(string scenario) =>
        pool.AccountAsync(Cohere, CohereModel, group => pool.Rerank.BaseUrl(group, scenario));

    private Task<(TestAccount Account, int ChannelId)> JinaAsync(string scenario) =>
        pool.AccountAsync(Custom, JinaModel, group => pool.Rerank.BaseUrl(group, scenario));

    private Task<HttpResponseMessage> RerankAsync(TestAccount account, string body) => pool.SendAsync(account, HttpMethod.Post, "/v1/rerank", body);

    [Fact]
    public async Task Cohere_AnswersInTheCommonShape_BilledPerSearchUnit()
    {
        var (account, channelId) = await CohereAsync("ok");

        var response = await RerankAsync(account, Body(CohereModel, ""","top_n":2,"return_documents":true"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(("rr-1", 1, "an apple"), ((string?)json["id"], (int?)json["results"]![0]!["index"], (string?)json["results"]![0]!["document"]!["text"]));
        var call = pool.Rerank.Calls(account.Group).Single();
        Assert.Equal("/v2/rerank", call.Path);
        Assert.Equal("""{"model":"rerank-v3.5","query":"Which one is a fruit?","documents":["a stone","an apple"],"top_n":2}""", call.BodyText);
        var log = Assert.Single(await pool.ConsumeLogsAsync(account));
        Assert.Equal((CohereModel, channelId, FakeRerankUpstream.SearchUnits, FakeRerankUpstream.SearchUnits * QuotaPerSearch),
            (log.ModelName, log.ChannelId, log.PromptTokens, (long)log.Quota));
        Assert.Equal((log.Quota, log.Quota), await pool.SpentAsync(account));
    }

    [Fact]
    public async Task Cohere_ReportingNoSearchUnits_IsBilledOneSearchPerHundredDocuments()
    {
        var (account, _) = await CohereAsync("no-usage");

        var response = await RerankAsync(account, Body(CohereModel));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var log = Assert.Single(await pool.ConsumeLogsAsync(account));
        Assert.Equal((1, QuotaPerSearch), (log.PromptTokens, (long)log.Quota));
    }

    [Fact]
    public async Task JinaStyle_PassesThroughUntouched_BilledByTotalTokensAtTheModelRatio()
    {
        var (account, _) = await JinaAsync("ok");
        var body = Body(JinaModel, ""","top_n":1""");

        var response = await RerankAsync(account, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(JinaModel, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["model"]);
        var call = pool.Rerank.Calls(account.Group).Single();
        Assert.Equal(("/v1/rerank", body), (call.Path, call.BodyText));
        var log = Assert.Single(await pool.ConsumeLogsAsync(account));
        Assert.Equal((FakeRerankUpstream.JinaTokens, (long)Math.Ceiling(FakeRerankUpstream.JinaTokens * UnknownRatio)), (log.PromptTokens, (long)log.Quota));
    }

    [Fact]
    public async Task UpstreamReportingNothing_IsBilledByTheGatewaysCountOfQueryAndDocuments()
    {
        var (account, _) = await JinaAsync("no-usage");

        var response = await RerankAsync(account, Body(JinaModel));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var counter = pool.Gateway.Services.GetRequiredService<TokenCounter>();
        var tokens = new[] { "Which one is a fruit?", "a stone", "an apple" }.Sum(t => counter.CountText(t, JinaModel));
        var log = Assert.Single(await pool.ConsumeLogsAsync(account));
        Assert.Equal((tokens, (long)Math.Ceiling(tokens * UnknownRatio)), (log.PromptTokens, (long)log.Quota));
        Assert.EndsWith(RelayPipeline.EstimatedNote, log.Content);
    }

    [Theory]
    [InlineData("""{"model":"rerank-v3.5","documents":["a"]}""", "query")]
    [InlineData("""{"model":"rerank-v3.5","query":"q","documents":[]}""", "documents")]
    [InlineData("""{"model":"rerank-v3.5","query":"q"}""", "documents")]
    public async Task MissingQueryOrDocuments_Is400InOpenAIsShape_AndNothingIsSent(string body, string param)
    {
        var (account, _) = await CohereAsync("ok");

        var response = await RerankAsync(account, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(("invalid_request_error", param), ((string?)error["type"], (string?)error["param"]));
        Assert.Empty(pool.Rerank.Calls(account.Group));
        Assert.Empty(await pool.ConsumeLogsAsync(account));
    }

    [Fact]
    public async Task MissingModel_Is400()
    {
        var (account, _) = await CohereAsync("ok");

        var response = await RerankAsync(account, """{"query":"q","documents":["a"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("model is required", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Cohere, "status-400", HttpStatusCode.BadRequest, "too many documents")]
    [InlineData(Custom, "status-500", HttpStatusCode.InternalServerError, "")]
    [InlineData(Custom, "malformed", HttpStatusCode.BadGateway, "unexpected format")]
    [InlineData(Cohere, "malformed", HttpStatusCode.BadGateway, "without results")]
    public async Task UpstreamFailure_ReachesTheClient_AndNothingIsCharged(int type, string scenario, HttpStatusCode status, string message)
    {
        var model = type == Cohere ? CohereModel : JinaModel;
        var (account, _) = await pool.AccountAsync(type, model, group => pool.Rerank.BaseUrl(group, scenario));

        var response = await RerankAsync(account, Body(model));

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"], StringComparison.Ordinal);
        Assert.Empty(await pool.ConsumeLogsAsync(account));
        Assert.Equal((0L, 0L), await pool.SpentAsync(account));
    }
}
