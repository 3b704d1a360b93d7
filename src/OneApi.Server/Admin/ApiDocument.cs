using Microsoft.OpenApi;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Configuration;

namespace OneApi.Server.Admin;

/// <summary>
/// The OpenAPI document of every route (<c>/openapi/v1.json</c>) and a browsable view of it (<c>/swagger</c>), served
/// from the app itself with no network access needed. A test checks that each mapped route appears in it.
/// Both are for admins (session or access token) unless <c>OPENAPI_PUBLIC</c> is set: the map of every route is a
/// stranger's first step, and the console's build can fetch it with an access token.
/// </summary>
public static class ApiDocument
{
    public const string Path = "/openapi/v1.json";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "One API";
            document.Info.Description = "one-api's management API (/api), the OpenAI-compatible relay (/v1), Gemini's API (/v1beta) and the legacy billing routes. " +
                "Management calls take the session cookie or an access token in Authorization; relay calls take a relay key (Bearer sk-…; x-goog-api-key or ?key= on /v1beta).";
            return Task.CompletedTask;
        }).AddSchemaTransformer((schema, _, _) =>
        {
            DescribeAsWritten(schema);
            return Task.CompletedTask;
        }));

    /// <summary>
    /// Describes what the server writes, so the console's generated types are exact: a number is a number (numbers sent
    /// as strings are only tolerated on input), and every property is present (nothing is skipped when null; request
    /// bodies are partial on the console's side anyway).
    /// </summary>
    private static void DescribeAsWritten(OpenApiSchema schema)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        if (schema.Properties is { Count: > 0 } properties)
        {
            schema.Required = new HashSet<string>(properties.Keys, StringComparer.Ordinal);
        }
    }

    public static void MapApiDocument(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<GatewaySettings>().OpenApiPublic)
        {
            app.UseWhen(context => context.Request.Path.StartsWithSegments("/openapi") || context.Request.Path.StartsWithSegments("/swagger"),
                branch => branch.RequireRole(UserRole.Admin));
        }
        app.MapOpenApi();
        app.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint(Path, "One API");
            ui.DocumentTitle = "One API";
        });
    }
}
