using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Tests.OpenAI;

public sealed class OpenAIErrorTests
{
    [Fact]
    public void Serialize_WithRequestId_AppendsRequestIdToMessage()
    {
        var body = OpenAIError.Serialize(RelayError.NoChannel("gpt-4o", "default"), "20250401123456789abcdef");

        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal("No available channels for Model gpt-4o under Group default (request id: 20250401123456789abcdef)", (string?)error["message"]);
    }

    [Fact]
    public void Serialize_HasOpenAIErrorShape()
    {
        var body = OpenAIError.Serialize(RelayError.InvalidRequest("bad field", "invalid_field") with { Param = "messages" }, "rid");

        var expected = JsonNode.Parse("""
            {"error":{"message":"bad field (request id: rid)","type":"invalid_request_error","param":"messages","code":"invalid_field"}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(body)));
    }

    [Fact]
    public void Serialize_NoCodeNoParam_WritesNullCodeAndEmptyParam()
    {
        var body = OpenAIError.Serialize(RelayError.Unauthorized("invalid token"), "");

        var expected = JsonNode.Parse("""{"error":{"message":"invalid token","type":"one_api_error","param":"","code":null}}""");
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(body)));
    }

    [Fact]
    public void Serialize_ThenParse_KeepsMessageTypeAndCode()
    {
        var original = RelayError.InsufficientQuota("user quota is not enough", "insufficient_user_quota");

        var parsed = OpenAIError.Parse(403, OpenAIError.Serialize(original, "r1"));

        Assert.Equal("user quota is not enough (request id: r1)", parsed.Message);
        Assert.Equal(original.Type, parsed.Type);
        Assert.Equal(original.Code, parsed.Code);
    }

    [Fact]
    public void Serialize_MessageWithQuotesAndUnicode_IsValidJson()
    {
        var body = OpenAIError.Serialize(RelayError.InvalidRequest("模型 \"x\" <bad>\n"), "r");

        Assert.Equal("模型 \"x\" <bad>\n (request id: r)", (string?)JsonNode.Parse(body)!["error"]!["message"]);
    }
}
