using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;

namespace OneApi.Relay.Tests.Abstractions;

public sealed class ChannelTypesTests
{
    [Theory]
    [InlineData(1, "https://api.openai.com")]
    [InlineData(14, "https://api.anthropic.com")]
    [InlineData(20, "https://openrouter.ai/api")]
    [InlineData(29, "https://api.groq.com/openai")]
    [InlineData(36, "https://api.deepseek.com")]
    [InlineData(41, "https://api.novita.ai/v3/openai")]
    [InlineData(45, "https://api.x.ai")]
    [InlineData(49, "https://dashscope.aliyuncs.com")]
    [InlineData(51, "https://generativelanguage.googleapis.com/v1beta/openai/")]
    public void DefaultBaseUrl_MatchesOneApi(int type, string expected)
    {
        Assert.Equal(expected, ChannelTypes.DefaultBaseUrl(type));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]   // Azure: the operator's resource URL
    [InlineData(8)]   // Custom
    [InlineData(18)]  // Xunfei
    [InlineData(33)]  // AwsClaude
    [InlineData(42)]  // VertexAI
    [InlineData(43)]  // Proxy
    [InlineData(50)]  // OpenAICompatible
    [InlineData(52)]  // Dummy sentinel
    [InlineData(-1)]
    [InlineData(999)]
    public void DefaultBaseUrl_OperatorSuppliedOrUnknown_IsEmpty(int type)
    {
        Assert.Equal("", ChannelTypes.DefaultBaseUrl(type));
    }

    [Theory]
    [InlineData(1, "OpenAI")]
    [InlineData(3, "Azure")]
    [InlineData(50, "OpenAICompatible")]
    [InlineData(51, "GeminiOpenAICompatible")]
    [InlineData(52, "Unknown")]
    [InlineData(-5, "Unknown")]
    public void NameOf_IsOneApiName(int type, string expected)
    {
        Assert.Equal(expected, ChannelTypes.NameOf(type));
    }

    [Fact]
    public void IsKnown_CoversOneToFiftyOne()
    {
        Assert.False(ChannelTypes.IsKnown(0));
        Assert.True(ChannelTypes.IsKnown(1));
        Assert.True(ChannelTypes.IsKnown(51));
        Assert.False(ChannelTypes.IsKnown(52));
    }

    [Fact]
    public void OpenAIAdaptor_ServesPassThroughTypesButNotConvertingOnes()
    {
        var types = new OpenAIAdaptor().ChannelTypes;

        Assert.Contains(ChannelTypes.OpenAI, types);
        Assert.Contains(ChannelTypes.OpenAICompatible, types);
        Assert.Contains(ChannelTypes.DeepSeek, types);
        Assert.Contains(ChannelTypes.OpenRouter, types);
        Assert.DoesNotContain(ChannelTypes.Anthropic, types);
        Assert.DoesNotContain(ChannelTypes.Gemini, types);
        Assert.DoesNotContain(ChannelTypes.Unknown, types);
        Assert.DoesNotContain(ChannelTypes.Dummy, types);
    }
}
