using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Azure;
using OneApi.Relay.Inbound.Responses;

namespace OneApi.Relay.Tests.Adaptors.Azure;

/// <summary>Azure OpenAI's deployment URLs and api-key auth (https://learn.microsoft.com/azure/ai-services/openai/reference).</summary>
public sealed class AzureAdaptorTests
{
    private readonly IChannelAdaptor _adaptor = TestAdaptors.Azure();

    private static UpstreamChannel Channel(string apiVersion) =>
        new(5, ChannelTypes.Azure, "azure-key", "https://myres.openai.azure.com/", new ChannelConfig { ApiVersion = apiVersion });

    [Fact]
    public void Chat_PostsToTheModelsDeployment_WithConfiguredApiVersionAndApiKey()
    {
        using var message = _adaptor.Build(Fixture.Request("""{"model":"gpt-4o","messages":[]}"""), Channel("2024-10-21"));

        Assert.Equal("https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21", message.RequestUri!.AbsoluteUri);
        Assert.Equal("azure-key", message.Headers.GetValues("api-key").Single());
        Assert.Null(message.Headers.Authorization);
    }

    [Fact]
    public void DottedModel_DeploymentHasNoDots_AndVersionDefaults()
    {
        using var message = _adaptor.Build(Fixture.Request("""{"model":"gpt-3.5-turbo","input":"x"}""", RelayMode.Embeddings), Channel(""));

        Assert.Equal("https://myres.openai.azure.com/openai/deployments/gpt-35-turbo/embeddings?api-version=2024-03-01-preview", message.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void OSeriesQuirks_ApplyOnAzureToo()
    {
        using var message = _adaptor.Build(Fixture.Request("""{"model":"o3-mini","max_tokens":9,"messages":[]}"""), Channel("2025-01-01-preview"));

        Assert.Equal(9, (int)Fixture.BodyOf(message)["max_completion_tokens"]!);
    }

    [Fact]
    public void Responses_GoToTheV1Path_WithTheDeploymentAsTheModel()
    {
        const string json = """{"model":"gpt-4.1-mini","input":"hi","store":true}""";
        var (request, _) = ResponsesClientApi.Instance.ReadRequest(RelayMode.ChatCompletions, Fixture.Json(json), "gpt-4.1-mini", new Dictionary<string, string>());
        var channel = Channel("2024-10-21");
        var adaptor = ResponsesClientApi.Instance.Adapt(_adaptor, request!, channel);

        using var message = adaptor.Build(request!, channel);

        Assert.Equal("https://myres.openai.azure.com/openai/v1/responses?api-version=preview", message.RequestUri!.AbsoluteUri);
        Assert.Equal("azure-key", message.Headers.GetValues("api-key").Single());
        var body = Fixture.BodyOf(message);
        Assert.Equal(("gpt-41-mini", "hi", true), ((string?)body["model"], (string?)body["input"], (bool)body["store"]!));
    }
}
