using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Abstractions;

public sealed class ChannelTypesTests
{
    [Theory]
    [InlineData(1, "https://api.openai.com")]
    [InlineData(14, "https://api.anthropic.com")]
    [InlineData(20, "https://openrouter.ai/api")]
    [InlineData(24, "https://generativelanguage.googleapis.com")]
    [InlineData(29, "https://api.groq.com/openai")]
    [InlineData(36, "https://api.deepseek.com")]
    [InlineData(41, "https://api.novita.ai/v3/openai")]
    [InlineData(45, "https://api.x.ai")]
    [InlineData(49, "https://dashscope.aliyuncs.com")]
    [InlineData(51, "https://generativelanguage.googleapis.com/v1beta/openai/")]
    public void DefaultBaseUrl_MatchesOneApi(int type, string expected)
    {
        Assert.Equal(expected, ChannelTypes.Find(type)!.DefaultBaseUrl);
    }

    [Theory]
    [InlineData(3)]   // Azure: the operator's resource URL
    [InlineData(8)]   // Custom
    [InlineData(18)]  // Xunfei
    [InlineData(33)]  // AwsClaude
    [InlineData(42)]  // VertexAI
    [InlineData(43)]  // Proxy
    [InlineData(50)]  // OpenAICompatible
    public void DefaultBaseUrl_OperatorSupplied_IsEmpty(int type)
    {
        Assert.Equal("", ChannelTypes.Find(type)!.DefaultBaseUrl);
    }

    [Theory]
    [InlineData(1, "OpenAI")]
    [InlineData(3, "Azure")]
    [InlineData(42, "VertextAI")]
    [InlineData(50, "OpenAICompatible")]
    [InlineData(51, "GeminiOpenAICompatible")]
    [InlineData(0, "Unknown")]
    [InlineData(52, "Unknown")]
    [InlineData(-5, "Unknown")]
    public void NameOf_IsOneApiName(int type, string expected)
    {
        Assert.Equal(expected, ChannelTypes.NameOf(type));
    }

    [Fact]
    public void Catalogue_HoldsOneRowPerOneApiType_OneToFiftyOne()
    {
        Assert.Equal(Enumerable.Range(1, 51), ChannelTypes.All.Select(t => t.Id));
        Assert.False(ChannelTypes.IsKnown(0));
        Assert.False(ChannelTypes.IsKnown(52));
    }

    [Theory]
    [InlineData(1, WireFormatKind.OpenAI, HostKind.Bearer)]
    [InlineData(3, WireFormatKind.OpenAI, HostKind.Azure)]
    [InlineData(14, WireFormatKind.ClaudeMessages, HostKind.Anthropic)]
    [InlineData(15, WireFormatKind.Ernie, HostKind.Baidu)]
    [InlineData(17, WireFormatKind.DashScope, HostKind.DashScope)]
    [InlineData(24, WireFormatKind.Gemini, HostKind.GoogleAI)]
    [InlineData(33, WireFormatKind.ClaudeMessages, HostKind.AwsBedrock)]
    [InlineData(36, WireFormatKind.OpenAI, HostKind.Bearer)]
    [InlineData(42, WireFormatKind.Gemini, HostKind.VertexAI)]
    [InlineData(51, WireFormatKind.OpenAI, HostKind.Bearer)]
    [InlineData(46, WireFormatKind.Replicate, HostKind.Replicate)]
    public void Types_SpeakTheirWireFormatOnTheirHost(int type, WireFormatKind format, HostKind host)
    {
        var row = ChannelTypes.Find(type)!;

        Assert.Equal((format, host), (row.WireFormats[0], row.Host));
    }

    [Theory]
    [InlineData(43)]  // Proxy
    public void TypesWithTheirOwnUnwrittenFormat_AreKnownButNotRelayed(int type)
    {
        Assert.False(ChannelTypes.Find(type)!.IsRelayed);
        Assert.Throws<InvalidOperationException>(() => TestAdaptors.For(type, "any"));
    }

    [Theory]
    [InlineData("claude-3-7-sonnet-20250219", WireFormatKind.ClaudeMessages)]
    [InlineData("gemini-2.0-flash", WireFormatKind.Gemini)]
    [InlineData("imagen-3.0-generate-002", WireFormatKind.Imagen)]
    [InlineData("some-future-model", WireFormatKind.Gemini)]
    public void VertexAI_ChoosesTheWireFormatByModel(string model, WireFormatKind expected)
    {
        var adaptor = (OneApi.Relay.Adaptors.HostedAdaptor)TestAdaptors.For(ChannelTypes.VertexAI, model);

        Assert.Equal((expected, HostKind.VertexAI), (adaptor.Format.Kind, adaptor.Host.Kind));
    }

    [Fact]
    public void GeminiModels_ListThe20And25Models()
    {
        var models = ChannelTypes.Find(ChannelTypes.Gemini)!.DefaultModels;

        Assert.Contains("gemini-2.0-flash", models);
        Assert.Contains("gemini-2.0-flash-thinking-exp-01-21", models);
        Assert.Contains("gemini-2.5-pro", models);
        Assert.Contains("gemini-2.5-flash", models);
        Assert.Contains("imagen-3.0-generate-002", ChannelTypes.Find(ChannelTypes.VertexAI)!.DefaultModels);
    }

    [Fact]
    public void EveryRelayedType_ListsModels_ExceptThoseWhoseModelsTheOperatorNames()
    {
        // A retired service (PaLM) answers every request with a refusal: it has no models to list.
        var withoutModels = ChannelTypes.All.Where(t => t.IsRelayed && !t.WireFormats.Contains(WireFormatKind.Retired) && t.DefaultModels.Count == 0)
            .Select(t => t.Name);

        // Coze's models are the operator's bots (bot-{id}).
        Assert.Equal(["FastGPT", "Coze", "OpenAICompatible"], withoutModels);
    }
}
