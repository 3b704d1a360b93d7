using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Adaptors;

/// <summary>
/// A channel type whose provider shut its API down: every request is refused with what to use instead, before
/// anything is sent. The 410 counts as the channel's failure, so another channel of the model is tried.
/// </summary>
public sealed class RetiredFormat(string notice) : IWireFormat
{
    /// <summary>
    /// PaLM (type 11): one-api calls <c>v1beta2/models/chat-bison-001:generateMessage</c>; Google decommissioned the
    /// PaLM API and its models in 2024 (https://ai.google.dev/palm_docs/deprecation).
    /// </summary>
    public static readonly RetiredFormat PaLM = new("Google has shut down the PaLM API (chat-bison-001); use a Gemini channel (type 24) instead");

    public WireFormatKind Kind => WireFormatKind.Retired;

    public bool Claims(string model) => true;

    public bool Supports(RelayMode mode) => true;

    public ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken) =>
        throw new RelayErrorException(new RelayError(RelayErrorKind.UpstreamStatus, 410, notice, "invalid_request_error", "provider_retired"));

    public Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(notice);

    public IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(notice);

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) =>
        new(RelayErrorKind.UpstreamStatus, 410, notice, "invalid_request_error", "provider_retired");
}
