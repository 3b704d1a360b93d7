using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors;
using OneApi.Relay.Adaptors.OpenAI;

namespace OneApi.Relay.Tests.Adaptors.OpenAI;

/// <summary>one-api's per-provider and per-model request quirks (contract §5.2), applied to a copy of the request.</summary>
public sealed class OpenAIRequestShaperTests
{
    private static readonly WireFormatSettings Settings = WireFormatSettings.Default with { OpenAI = new OpenAIRequestOptions { OpenRouterProviderSort = "throughput" } };

    private static IChannelAdaptor Adaptor(int type) => TestAdaptors.For(type, "m", Settings);

    private static (HttpRequestMessage Message, JsonObject Body) Build(string json, int type)
    {
        var message = Adaptor(type).Build(Fixture.Request(json), new UpstreamChannel(1, type, "sk-up", "https://up.example.com", ChannelConfig.Empty));
        return (message, Fixture.BodyOf(message));
    }

    [Fact]
    public void OpenRouter_AsksForReasoningAndSortsProviders()
    {
        var (_, body) = Build("""{"model":"deepseek/deepseek-r1","messages":[{"role":"user","content":"x"}]}""", ChannelTypes.OpenRouter);

        Assert.True((bool)body["include_reasoning"]!);
        Assert.Equal("throughput", (string?)body["provider"]!["sort"]);
    }

    [Fact]
    public void OpenRouter_KeepsTheClientsOwnChoices()
    {
        var (_, body) = Build("""{"model":"x","include_reasoning":false,"provider":{"sort":"price","order":["a"]},"messages":[]}""", ChannelTypes.OpenRouter);

        Assert.False((bool)body["include_reasoning"]!);
        Assert.Equal("""{"sort":"price","order":["a"]}""", body["provider"]!.ToJsonString());
    }

    [Fact]
    public void DeepSeek_DropsReasoningContentFromInputMessages()
    {
        var (_, body) = Build("""{"model":"deepseek-reasoner","messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b","reasoning_content":"hmm"},{"role":"user","content":"c"}]}""", ChannelTypes.DeepSeek);

        Assert.Null(body["messages"]![1]!["reasoning_content"]);
        Assert.Equal("b", (string?)body["messages"]![1]!["content"]);
    }

    [Fact]
    public async Task PlainRequest_GoesAsTheClientsOwnBytes()
    {
        const string json = """{"model":"deepseek-chat",  "messages":[{"role":"user","content":"a"}]}""";
        var (message, _) = Build(json, ChannelTypes.DeepSeek);

        Assert.Equal(json, Encoding.UTF8.GetString(await message.Content!.ReadAsByteArrayAsync()));
    }

    [Theory]
    [InlineData("o1")]
    [InlineData("o3-mini")]
    public void ReasoningSeries_DefaultTemperature_MaxCompletionTokens_DeveloperRole(string model)
    {
        var (_, body) = Build($$"""{"model":"{{model}}","temperature":0.2,"max_tokens":500,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"x"}]}""", ChannelTypes.OpenAI);

        Assert.Null(body["temperature"]);
        Assert.Null(body["max_tokens"]);
        Assert.Equal(500, (int)body["max_completion_tokens"]!);
        Assert.Equal(["developer", "user"], body["messages"]!.AsArray().Select(m => (string?)m!["role"]));
    }

    [Theory]
    [InlineData("o1-mini")]
    [InlineData("o1-preview")]
    public void O1MiniAndPreview_DropSystemMessages(string model)
    {
        var (_, body) = Build($$"""{"model":"{{model}}","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"x"}]}""", ChannelTypes.OpenAI);

        Assert.Equal(["user"], body["messages"]!.AsArray().Select(m => (string?)m!["role"]));
    }

    [Theory]
    [InlineData("gpt-4o-search-preview")]
    [InlineData("gpt-4o-mini-search-preview")]
    public void SearchModels_DropSamplingParameters(string model)
    {
        var (_, body) = Build($$"""{"model":"{{model}}","temperature":0.2,"top_p":1,"presence_penalty":0.1,"frequency_penalty":0.1,"n":1,"messages":[]}""", ChannelTypes.OpenAI);

        Assert.Equal(["model", "messages"], body.Select(p => p.Key));
    }

    [Fact]
    public void Shaping_DoesNotChangeTheRequest_SoARetryElsewhereStartsClean()
    {
        var request = Fixture.Request("""{"model":"o1","temperature":0.2,"messages":[]}""");

        Adaptor(ChannelTypes.OpenRouter).Build(request, new UpstreamChannel(1, ChannelTypes.OpenRouter, "k", "", ChannelConfig.Empty)).Dispose();

        Assert.False(request.BodyChanged);
        Assert.Equal(0.2, (double)request.Body["temperature"]!);
        Assert.Null(request.Body["include_reasoning"]);
    }
}
