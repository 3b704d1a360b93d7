using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Billing;

public class BillingFieldsTests
{
    private static JsonObject Body(string json) => JsonNode.Parse(json)!.AsObject();

    [Theory]
    [InlineData("""{"max_tokens":-100000}""", "max_tokens")]
    [InlineData("""{"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"max_tokens":1.5}""", "max_tokens")]
    [InlineData("""{"max_tokens":"100"}""", "max_tokens")]
    [InlineData("""{"max_tokens":true}""", "max_tokens")]
    [InlineData("""{"max_tokens":1e300}""", "max_tokens")]
    [InlineData("""{"max_tokens":99999999999999999999999}""", "max_tokens")]
    [InlineData("""{"max_completion_tokens":-1}""", "max_completion_tokens")]
    [InlineData("""{"max_completion_tokens":1000001}""", "max_completion_tokens")]
    [InlineData("""{"n":0}""", "n")]
    [InlineData("""{"n":129}""", "n")]
    [InlineData("""{"n":[2]}""", "n")]
    [InlineData("""{"best_of":-3}""", "best_of")]
    public void ChatFieldOutOfRangeOrNotWhole_Is400NamingIt(string json, string field)
    {
        var error = BillingFields.Validate(Body(json), RelayMode.ChatCompletions);

        Assert.NotNull(error);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(field, error.Param);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"max_tokens":null,"n":null}""")]
    [InlineData("""{"max_tokens":1,"n":1}""")]
    [InlineData("""{"max_completion_tokens":1000000,"n":128}""")]
    [InlineData("""{"max_tokens":300.0}""")]
    public void ChatFieldsAbsentOrInRange_Pass(string json)
    {
        Assert.Null(BillingFields.Validate(Body(json), RelayMode.ChatCompletions));
    }

    [Theory]
    [InlineData("""{"n":11}""")]
    [InlineData("""{"n":-1}""")]
    [InlineData("""{"n":"2"}""")]
    [InlineData("""{"n":2.5}""")]
    public void ImageCountOutOfRange_Is400(string json)
    {
        Assert.Equal(400, BillingFields.Validate(Body(json), RelayMode.ImagesGenerations)?.StatusCode);
    }

    [Fact]
    public void Choices_IsTheLargerOfNAndBestOf()
    {
        Assert.Equal(1, BillingFields.Choices(Body("{}")));
        Assert.Equal(3, BillingFields.Choices(Body("""{"n":3}""")));
        Assert.Equal(5, BillingFields.Choices(Body("""{"n":2,"best_of":5}""")));
    }

    [Fact]
    public void OutputLimit_ReadsEitherName_AndCountsGatewayBuiltNumbers()
    {
        Assert.Null(BillingFields.OutputLimit(Body("{}")));
        Assert.Equal(50, BillingFields.OutputLimit(Body("""{"max_completion_tokens":50}""")));
        Assert.Equal(4096, BillingFields.OutputLimit(new JsonObject { ["max_tokens"] = 4096 }));
        Assert.Null(BillingFields.Validate(new JsonObject { ["max_tokens"] = 4096 }, RelayMode.ChatCompletions));
    }

    [Theory]
    [InlineData("""{"documents":["a"]}""", "query")]
    [InlineData("""{"query":"  ","documents":["a"]}""", "query")]
    [InlineData("""{"query":"q"}""", "documents")]
    [InlineData("""{"query":"q","documents":[]}""", "documents")]
    [InlineData("""{"query":"q","documents":["a",3]}""", "documents")]
    [InlineData("""{"query":"q","documents":[{"title":"no text"}]}""", "documents")]
    [InlineData("""{"query":"q","documents":["a"],"top_n":0}""", "top_n")]
    [InlineData("""{"query":"q","documents":["a"],"stream":true}""", "stream")]
    public void RerankWithoutQueryOrDocuments_Is400NamingTheField(string json, string field)
    {
        var error = BillingFields.Validate(Body(json), RelayMode.Rerank);

        Assert.Equal((400, field), (error?.StatusCode, error?.Param));
    }

    [Fact]
    public void RerankWithStringAndTextDocuments_Passes()
    {
        Assert.Null(BillingFields.Validate(Body("""{"query":"q","documents":["a",{"text":"b"}],"top_n":1}"""), RelayMode.Rerank));
    }
}
