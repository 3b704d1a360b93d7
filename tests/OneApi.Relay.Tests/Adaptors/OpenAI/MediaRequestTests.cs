using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Azure;

namespace OneApi.Relay.Tests.Adaptors.OpenAI;

/// <summary>Images and audio go to the same place as OpenAI's other endpoints, with the body untouched.</summary>
public sealed class MediaRequestTests
{
    [Theory]
    [InlineData(RelayMode.ImagesGenerations, "https://api.openai.com/v1/images/generations")]
    [InlineData(RelayMode.AudioSpeech, "https://api.openai.com/v1/audio/speech")]
    [InlineData(RelayMode.AudioTranscription, "https://api.openai.com/v1/audio/transcriptions")]
    [InlineData(RelayMode.AudioTranslation, "https://api.openai.com/v1/audio/translations")]
    public async Task OpenAI_PostsToTheModesPath_WithBearerKey(RelayMode mode, string url)
    {
        using var body = new StringContent("{}");
        using var message = await ((IMediaAdaptor)TestAdaptors.OpenAI()).BuildMediaRequestAsync(mode, "whisper-1", body,
            new UpstreamChannel(1, ChannelTypes.OpenAI, "sk-up", "", ChannelConfig.Empty), CancellationToken.None);

        Assert.Equal(url, message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer sk-up", message.Headers.Authorization!.ToString());
        Assert.Same(body, message.Content);
    }

    [Fact]
    public async Task Azure_PostsToTheDeployment_WithApiKeyHeader()
    {
        using var body = new StringContent("{}");
        using var message = await ((IMediaAdaptor)TestAdaptors.Azure()).BuildMediaRequestAsync(RelayMode.AudioTranscription, "whisper-1", body,
            new UpstreamChannel(1, ChannelTypes.Azure, "az-key", "https://res.openai.azure.com/", ChannelConfig.Empty), CancellationToken.None);

        Assert.Equal($"https://res.openai.azure.com/openai/deployments/whisper-1/audio/transcriptions?api-version={AzureHost.DefaultApiVersion}",
            message.RequestUri!.AbsoluteUri);
        Assert.Equal("az-key", message.Headers.GetValues("api-key").Single());
    }
}
