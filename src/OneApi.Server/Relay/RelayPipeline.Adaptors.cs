using OneApi.Relay.Abstractions;

namespace OneApi.Server.Relay;

public sealed partial class RelayPipeline
{
    /// <summary>The adaptor's upstream request, or the error it refused the client's request with.</summary>
    private static async Task<(HttpRequestMessage? Request, RelayError? Error)> BuildUpstreamRequestAsync(
        IChannelAdaptor adaptor, RelayRequest request, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        try
        {
            return (await adaptor.BuildRequestAsync(request, channel, cancellationToken), null);
        }
        catch (RelayErrorException e)
        {
            return (null, e.Error);
        }
    }
}
