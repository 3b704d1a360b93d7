using OneApi.Relay.OpenAI;
using OneApi.Server.Relay;

namespace OneApi.Server.Auth;

/// <summary>
/// one-api's <c>TokenAuth</c> on non-relay routes (<c>/api/token/consume</c>, <c>/api/user/get-by-token</c>, the
/// legacy billing dashboard): the relay key decides who calls, and failures are OpenAI-style errors with their status.
/// </summary>
public static class RelayKeyFilter
{
    private const string CallerKey = "oneapi.relay_caller";

    public static RelayCaller RelayCaller(this HttpContext context) =>
        context.Items[CallerKey] as RelayCaller ?? throw new InvalidOperationException("route is not behind RequireRelayKey");

    public static TBuilder RequireRelayKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var authenticator = context.RequestServices.GetRequiredService<RelayKeyAuthenticator>();
            var (caller, error) = await authenticator.AuthenticateAsync(context, context.RequestAborted);
            if (caller is null)
            {
                return Results.Text(OpenAIError.Serialize(error!, context.RequestId()), "application/json", statusCode: error!.StatusCode);
            }
            context.Items[CallerKey] = caller;
            return await next(invocation);
        });
}
