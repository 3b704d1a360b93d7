using OneApi.Relay.Inbound;

namespace OneApi.Server.Relay;

/// <summary>
/// Which API the client of a relay request speaks. An endpoint for another API than OpenAI's (e.g.
/// <c>/v1/messages</c>) sets it on the request before handing it to the pipeline.
/// </summary>
public static class ClientApis
{
    public static IClientApi Of(HttpContext context) => context.Features.Get<IClientApi>() ?? OpenAIClientApi.Instance;

    public static void Use(HttpContext context, IClientApi api) => context.Features.Set(api);
}
