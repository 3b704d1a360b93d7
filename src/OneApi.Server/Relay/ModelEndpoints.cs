using OneApi.Server.Auth;
using OneApi.Server.Channels;

namespace OneApi.Server.Relay;

/// <summary><c>GET /v1/models</c>: the models the key's group can reach (and the token may use), in OpenAI's list format or Anthropic's.</summary>
public static class ModelEndpoints
{
    public static async Task<IResult> ListAsync(HttpContext context, RelayKeyAuthenticator authenticator, RoutingTableStore routing)
    {
        var (caller, error) = await authenticator.AuthenticateAsync(context, context.RequestAborted);
        if (caller is null)
        {
            return ErrorResult(context, error!);
        }
        var models = VisibleModels(caller, routing.Current).ToList();
        return context.Request.Headers.ContainsKey("anthropic-version")
            ? Results.Json(AnthropicList(models))
            : Results.Json(new { @object = "list", data = models.Select(Describe) });
    }

    /// <summary>Anthropic's list shape (https://docs.anthropic.com/en/api/models-list), for its SDKs and Claude Code.</summary>
    private static object AnthropicList(List<string> models) => new
    {
        data = models.Select(m => new { type = "model", id = m, display_name = m, created_at = "2021-07-25T00:00:00Z" }),
        has_more = false,
        first_id = models.FirstOrDefault(),
        last_id = models.LastOrDefault(),
    };

    public static async Task<IResult> RetrieveAsync(HttpContext context, string model, RelayKeyAuthenticator authenticator, RoutingTableStore routing)
    {
        var (caller, error) = await authenticator.AuthenticateAsync(context, context.RequestAborted);
        if (caller is null)
        {
            return ErrorResult(context, error!);
        }
        if (!VisibleModels(caller, routing.Current).Contains(model))
        {
            var missing = new OneApi.Relay.Abstractions.RelayError(OneApi.Relay.Abstractions.RelayErrorKind.InvalidRequest, 404,
                $"The model '{model}' does not exist", "invalid_request_error", "model_not_found", "model");
            return ErrorResult(context, missing);
        }
        return Results.Json(Describe(model));
    }

    internal static IEnumerable<string> VisibleModels(RelayCaller caller, RoutingTable table) =>
        table.ModelsFor(caller.Group).Where(m => caller.AllowedModels is null || caller.AllowedModels.Contains(m));

    private static object Describe(string model) => new
    {
        id = model,
        @object = "model",
        created = 1626777600,
        owned_by = "one-api",
        permission = Array.Empty<object>(),
        root = model,
        parent = (string?)null,
    };

    private static IResult ErrorResult(HttpContext context, OneApi.Relay.Abstractions.RelayError error) =>
        Results.Text(RelayRouteErrors.DialectOf(context).SerializeError(error, context.RequestId()), "application/json", statusCode: error.StatusCode);
}
