using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Azure;
using OneApi.Relay.Adaptors.OpenAI;

namespace OneApi.Relay.Tests.Adaptors.OpenAI;

/// <summary>Images and audio go to the same place as OpenAI's other endpoints, with the body untouched.</summary>
public sealed class MediaRequestTests
{
    [Theory]
    [InlineData(RelayMode.ImagesGenerations, "https://api.openai.com/v1/images/generations")]
    [InlineData(RelayMode.AudioSpeech, "https://api.openai.com/v1/audio/speech")]
    [InlineData(RelayMode.AudioTranscription, "https://api.openai.com/v1/audio/transcriptions")]
    [InlineData(RelayMode.AudioTranslation, "https://api.openai.com/v1/audio/translations")]
    public void OpenAI_PostsToTheModesPath_WithBearerKey(RelayMode mode, string url)
    {
        using var body = new StringContent("{}");
        using var message = ((IMediaAdaptor)new OpenAIAdaptor()).BuildMediaRequest(mode, "whisper-1", body,
            new UpstreamChannel(1, ChannelTypes.OpenAI, "sk-up", "", ChannelConfig.Empty));

        Assert.Equal(url, message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer sk-up", message.Headers.Authorization!.ToString());
        Assert.Same(body, message.Content);
    }

    [Fact]
    public void Azure_PostsToTheDeployment_WithApiKeyHeader()
    {
        using var body = new StringContent("{}");
        using var message = ((IMediaAdaptor)new AzureAdaptor()).BuildMediaRequest(RelayMode.AudioTranscription, "whisper-1", body,
            new UpstreamChannel(1, ChannelTypes.Azure, "az-key", "https://res.openai.azure.com/", ChannelConfig.Empty));

        Assert.Equal($"https://res.openai.azure.com/openai/deployments/whisper-1/audio/transcriptions?api-version={AzureAdaptor.DefaultApiVersion}",
            message.RequestUri!.AbsoluteUri);
        Assert.Equal("az-key", message.Headers.GetValues("api-key").Single());
    }
}
