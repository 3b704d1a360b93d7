using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Azure;

namespace OneApi.Relay.Tests.Adaptors.OpenAI;

/// <summary>Images and audio go to the same place as OpenAI's other endpoints, with the body untouched.</summary>
public sealed class MediaRequestTests
{
    [Theory]
    [InlineData(RelayMode.ImagesGenerations, "https://api.openai.com/v1/images/generations")]
    [InlineData(RelayMode.ImagesEdits, "https://api.openai.com/v1/images/edits")]
    [InlineData(RelayMode.ImagesVariations, "https://api.openai.com/v1/images/variations")]
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

    [Theory]
    [InlineData(RelayMode.AudioTranscription, "whisper-1", "whisper-1/audio/transcriptions")]
    [InlineData(RelayMode.ImagesEdits, "dall-e-2", "dall-e-2/images/edits")]
    [InlineData(RelayMode.ImagesVariations, "dall-e-2", "dall-e-2/images/variations")]
    public async Task Azure_PostsToTheDeployment_WithApiKeyHeader(RelayMode mode, string model, string path)
    {
        using var body = new StringContent("{}");
        using var message = await ((IMediaAdaptor)TestAdaptors.Azure()).BuildMediaRequestAsync(mode, model, body,
            new UpstreamChannel(1, ChannelTypes.Azure, "az-key", "https://res.openai.azure.com/", ChannelConfig.Empty), CancellationToken.None);

        Assert.Equal($"https://res.openai.azure.com/openai/deployments/{path}?api-version={AzureHost.DefaultApiVersion}",
            message.RequestUri!.AbsoluteUri);
        Assert.Same(body, message.Content);
        Assert.Equal("az-key", message.Headers.GetValues("api-key").Single());
    }
}
