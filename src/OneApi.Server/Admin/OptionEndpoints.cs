using System.Text.Json;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Options;

namespace OneApi.Server.Admin;

/// <summary>Runtime options for root. A stored change is live at once: the relay reads the new snapshot on its next request.</summary>
public static class OptionEndpoints
{
    public static void MapOptionEndpoints(this IEndpointRouteBuilder app)
    {
        var option = app.MapGroup("/api/option").RequireRole(UserRole.Root).WithTags("Option");
        option.MapGet("/", List);
        option.MapPut("/", Update).Produces<ApiResponse>();
    }

    public sealed record OptionItem(string Key, string Value);

    /// <summary>Every option with its current value, secrets left out.</summary>
    private static ApiResponse<IEnumerable<OptionItem>> List(OptionStore options) =>
        ApiResponse.Done(options.Current.Values
            .Where(kv => !OptionCatalog.IsSecret(kv.Key))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new OptionItem(kv.Key, kv.Value)));

    /// <summary><c>{key, value}</c>; the value is a string, though booleans and numbers are taken as their text. Bad JSON is a 400, as in one-api.</summary>
    private static async Task<IResult> Update(HttpRequest request, OptionStore options, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return Results.Json(ApiResponse.Failure("invalid parameters"), statusCode: StatusCodes.Status400BadRequest);
        }
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("key", out var keyElement) || keyElement.ValueKind != JsonValueKind.String ||
            !body.TryGetProperty("value", out var valueElement) || ValueText(valueElement) is not { } value)
        {
            return Results.Json(ApiResponse.Failure("invalid parameters"), statusCode: StatusCodes.Status400BadRequest);
        }
        var key = keyElement.GetString()!;
        if (OptionCatalog.Check(key, value, options.Current) is { } problem)
        {
            return ApiResponse.Failure(problem).ToResult();
        }
        await options.SaveAsync(key, value, cancellationToken);
        return ApiResponse.Done().ToResult();
    }

    private static string? ValueText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };
}
