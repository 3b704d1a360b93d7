namespace OneApi.Relay.Abstractions;

/// <summary>
/// Capability of adaptors that serve OpenAI's image and audio endpoints (images/generations, audio/speech,
/// audio/transcriptions, audio/translations). The body is in OpenAI's format (JSON or a form), with the channel's
/// model in it. Errors are read with <see cref="IChannelAdaptor.ReadError"/>.
/// </summary>
public interface IMediaAdaptor
{
    ValueTask<HttpRequestMessage> BuildMediaRequestAsync(RelayMode mode, string model, HttpContent body, UpstreamChannel channel,
        CancellationToken cancellationToken);

    /// <summary>The answer in OpenAI's format when the upstream's differs (Imagen's predictions); null when it passes through as sent.</summary>
    Task<UpstreamAnswer?> ReadMediaAnswerAsync(HttpResponseMessage response, RelayMode mode, CancellationToken cancellationToken);

    /// <summary>The request that asks after a pending task (<see cref="UpstreamAnswer.Pending"/>); its answer is read with <see cref="ReadMediaAnswerAsync"/>.</summary>
    ValueTask<HttpRequestMessage> BuildTaskPollAsync(UpstreamTask task, UpstreamChannel channel, CancellationToken cancellationToken);
}

/// <summary>The wire-format side of <see cref="IMediaAdaptor"/>: formats that carry image or audio requests.</summary>
public interface IMediaFormat
{
    ValueTask<UpstreamPayload> ToMediaUpstreamAsync(RelayMode mode, string model, HttpContent body, CancellationToken cancellationToken);

    Task<UpstreamAnswer?> ReadMediaAnswerAsync(HttpResponseMessage response, RelayMode mode, CancellationToken cancellationToken);
}
