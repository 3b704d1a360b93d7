using System.Net;
using System.Text;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors.OpenAI;

/// <summary>Rerank on OpenAI-compatible channels (a Custom channel to Jina, SiliconFlow and the like): passed through at <c>{base}/v1/rerank</c>.</summary>
public sealed class OpenAIRerankTests
{
    private const string Body = """{"model":"jina-reranker-v2-base-multilingual","query":"Organic skincare","documents":["a",{"text":"b"}],"top_n":2,"return_documents":true}""";

    private static IChannelAdaptor Adaptor => TestAdaptors.For(ChannelTypes.Custom, "jina-reranker-v2-base-multilingual");

    private static async Task<UpstreamAnswer> ReadAsync(byte[] body)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
        return await Adaptor.ReadAnswerAsync(response, Fixture.Request(Body, RelayMode.Rerank), CancellationToken.None);
    }

    [Fact]
    public async Task Request_GoesToV1Rerank_AsTheClientSentIt()
    {
        using var message = Adaptor.Build(Fixture.Request(Body, RelayMode.Rerank),
            new UpstreamChannel(1, ChannelTypes.Custom, "jina-key", "https://api.jina.ai", ChannelConfig.Empty));

        Assert.Equal("https://api.jina.ai/v1/rerank", message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer jina-key", message.Headers.Authorization!.ToString());
        Assert.Equal(Body, await message.Content!.ReadAsStringAsync());
        Assert.Null(Adaptor.RerankUnits(Fixture.Request(Body, RelayMode.Rerank)));
    }

    [Fact]
    public async Task JinaAnswer_PassesUntouched_BilledByTotalTokens()
    {
        var body = Fixture.Bytes("jina/rerank.json");

        var answer = await ReadAsync(body);

        Assert.Null(answer.Error);
        Assert.Equal(body, answer.Body.ToArray());
        Assert.Equal(Usage.Of(815, 0), answer.Usage);
    }

    [Theory]
    [InlineData("""{"results":[],"usage":{"prompt_tokens":12,"total_tokens":12}}""", 12)]
    [InlineData("""{"results":[],"meta":{"billed_units":{"search_units":0,"input_tokens":30},"tokens":{"input_tokens":30,"output_tokens":0}}}""", 30)]
    [InlineData("""{"results":[],"meta":{"billed_units":{"search_units":2}},"usage":{"total_tokens":99}}""", 2)]
    public async Task OtherProvidersUnits_AreRead_SearchUnitsFirst(string body, int units)
    {
        var answer = await ReadAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(Usage.Of(units, 0), answer.Usage);
    }

    [Fact]
    public async Task AnswerReportingNothing_HasNoUsage_ForTheGatewayToCount()
    {
        var answer = await ReadAsync("""{"results":[{"index":0,"relevance_score":0.5}]}"""u8.ToArray());

        Assert.Null(answer.Error);
        Assert.Null(answer.Usage);
    }

    [Theory]
    [InlineData("""{"object":"list"}""", RelayErrorKind.UpstreamMalformed)]
    [InlineData("""{"error":{"message":"overloaded","type":"server_error"}}""", RelayErrorKind.UpstreamStatus)]
    public async Task AnswerWithoutResults_IsAnError(string body, RelayErrorKind kind)
    {
        var answer = await ReadAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(kind, answer.Error!.Kind);
    }

    [Fact]
    public void Azure_ServesNoRerank()
    {
        Assert.False(TestAdaptors.Azure().Supports(RelayMode.Rerank));
    }
}
