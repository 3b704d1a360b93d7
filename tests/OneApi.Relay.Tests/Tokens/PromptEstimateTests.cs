using System.Text;
using OneApi.Relay.Tokens;

namespace OneApi.Relay.Tests.Tokens;

public class PromptEstimateTests
{
    private readonly TokenCounter _counter = new();

    private static int Estimate(string json) => PromptEstimate.Tokens(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("The quick brown fox jumps over the lazy dog. ")]
    [InlineData("def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n")]
    [InlineData("你好，世界。今天天气很好，我们去公园散步吧。")]
    [InlineData("{\"key\": [1, 2, 3], \"nested\": {\"a\": true}} ")]
    public void TextOfEveryKind_IsEstimatedAtOrAboveItsRealCount(string sample)
    {
        var text = string.Concat(Enumerable.Repeat(sample, 400));
        var json = $$"""{"model":"gpt-4o","messages":[{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(text)}}}]}""";

        Assert.True(Estimate(json) >= _counter.CountText(text, "gpt-4o"), $"estimate {Estimate(json)} < real {_counter.CountText(text, "gpt-4o")}");
        Assert.True(Estimate(json) >= _counter.CountText(text, "gpt-3.5-turbo"));
    }

    [Fact]
    public void ToolDescriptions_Count()
    {
        var description = string.Join(' ', Enumerable.Repeat("weather", 20_000));
        var json = $$$"""{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"w","description":"{{{description}}}"}}]}""";

        Assert.True(Estimate(json) >= 20_000);
    }

    [Fact]
    public void InlineImages_CountPerPicture_NotByTheirBase64Length()
    {
        var picture = "data:image/png;base64," + Convert.ToBase64String(new byte[3_000_000]);
        var json = $$$"""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{picture}}}"}},{"type":"image_url","image_url":{"url":"https://example.com/x.png"}}]}]}""";

        var estimate = Estimate(json);

        Assert.InRange(estimate, 2 * PromptEstimate.MediaPartTokens, 2 * PromptEstimate.MediaPartTokens + 100);
    }

    [Fact]
    public void BrokenJson_StillCountsItsBytes()
    {
        Assert.True(Estimate("{\"messages\": [\"" + new string('a', 3000)) >= 1000);
    }
}
