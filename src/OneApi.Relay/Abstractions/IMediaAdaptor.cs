namespace OneApi.Relay.Abstractions;

/// <summary>
/// Capability of adaptors whose upstream serves OpenAI's image and audio endpoints (images/generations,
/// audio/speech, audio/transcriptions, audio/translations). The body is already in OpenAI's format, with the
/// channel's model in it; the adaptor only says where it goes and how it is authenticated. Answers pass through as
/// they are; errors are read with <see cref="IChannelAdaptor.ReadError"/>.
/// </summary>
public interface IMediaAdaptor
{
    HttpRequestMessage BuildMediaRequest(RelayMode mode, string model, HttpContent body, UpstreamChannel channel);
}
