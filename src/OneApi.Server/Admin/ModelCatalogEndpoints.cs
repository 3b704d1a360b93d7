using OneApi.Data.Entities;
using OneApi.Relay.Abstractions;
using OneApi.Server.Auth;
using OneApi.Server.Options;
using OneApi.Server.Relay;

namespace OneApi.Server.Admin;

/// <summary>What the console offers when editing channels and users: the models each channel type knows, and the groups.</summary>
public static class ModelCatalogEndpoints
{
    public static void MapModelCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models", ModelsByChannelType).RequireRole(UserRole.Common).WithTags("Catalog");
        app.MapGet("/api/channel/models", AllModels).RequireRole(UserRole.Admin).WithTags("Channel");
        app.MapGet("/api/group/", Groups).RequireRole(UserRole.Admin).WithTags("Catalog");
    }

    public sealed record ModelDescription(string Id, string Object, long Created, string OwnedBy, object[] Permission, string Root, string? Parent);

    /// <summary><c>channel type → models</c> for every known type; a type without an adaptor here lists none.</summary>
    private static IResult ModelsByChannelType(AdaptorRegistry adaptors) =>
        ApiResponse.Done(Enumerable.Range(1, ChannelTypes.Dummy - 1)
            .ToDictionary(type => type.ToString(System.Globalization.CultureInfo.InvariantCulture),
                type => adaptors.For(type)?.KnownModels ?? []));

    /// <summary>Every model some adaptor knows, once, in OpenAI's list format (raw, not the envelope).</summary>
    private static IResult AllModels(AdaptorRegistry adaptors)
    {
        var models = adaptors.All
            .OrderBy(a => a.Type)
            .SelectMany(a => a.Adaptor.KnownModels.Select(model => (model, owner: ChannelTypes.NameOf(a.Type).ToLowerInvariant())))
            .DistinctBy(m => m.model)
            .Select(m => new ModelDescription(m.model, "model", 1626777600, m.owner, [], m.model, null));
        return Results.Json(new { @object = "list", data = models });
    }

    /// <summary>The group names are the keys of the <c>GroupRatio</c> option.</summary>
    private static IResult Groups(OptionStore options) =>
        ApiResponse.Done(options.Current.GroupRatios.Keys.Order(StringComparer.Ordinal));
}
