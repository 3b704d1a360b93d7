using OneApi.Data.Entities;
using OneApi.Relay.Catalog;
using OneApi.Server.Auth;
using OneApi.Server.Options;

namespace OneApi.Server.Admin;

/// <summary>What the console offers when editing channels and users: the channel types, the models each knows, and the groups.</summary>
public static class ModelCatalogEndpoints
{
    public static void MapModelCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models", ModelsByChannelType).RequireRole(UserRole.Common).WithTags("Catalog");
        app.MapGet("/api/channel/types", Types).RequireRole(UserRole.Admin).WithTags("Channel");
        app.MapGet("/api/channel/models", AllModels).Produces<ModelList>().RequireRole(UserRole.Admin).WithTags("Channel");
        app.MapGet("/api/group/", Groups).RequireRole(UserRole.Admin).WithTags("Catalog");
    }

    public sealed record ModelDescription(string Id, string Object, long Created, string OwnedBy, object[] Permission, string Root, string? Parent);

    /// <summary>OpenAI's model list.</summary>
    public sealed record ModelList(string Object, IEnumerable<ModelDescription> Data);

    /// <summary>
    /// One channel type as the console shows it and builds its form from: <c>relayed</c> false means its channels are
    /// stored but answer 501; <c>fields</c> are the inputs it needs beyond key and base URL; <c>key_optional</c> means
    /// those fields can hold the credentials instead of the key; <c>regional_url</c> that the region gives the URL.
    /// </summary>
    public sealed record ChannelTypeView(int Id, string Name, string DefaultBaseUrl, IReadOnlyList<string> WireFormats, string Host, string KeyFormat,
        IReadOnlyList<string> Models, bool Balance, bool Relayed, IReadOnlyList<ChannelField> Fields, bool KeyOptional, bool RegionalUrl)
    {
        public static ChannelTypeView Of(ChannelType t) => new(t.Id, t.Name, t.DefaultBaseUrl, t.WireFormats.Select(f => f.ToString()).ToList(),
            t.Host.ToString(), t.KeyHint, t.DefaultModels, t.Balance != BalanceApi.None, t.IsRelayed, t.Form.Fields, t.Form.KeyOptional,
            t.Form.RegionalUrl);
    }

    /// <summary>The catalogue of channel types, so the console keeps no copy of it.</summary>
    private static ApiResponse<IEnumerable<ChannelTypeView>> Types() => ApiResponse.Done(ChannelTypes.All.Select(ChannelTypeView.Of));

    /// <summary><c>channel type → models</c> for every known type.</summary>
    private static ApiResponse<Dictionary<string, IReadOnlyList<string>>> ModelsByChannelType() =>
        ApiResponse.Done(ChannelTypes.All.ToDictionary(t => t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), t => t.DefaultModels));

    /// <summary>Every model some channel type knows, once, in OpenAI's list format (raw, not the envelope).</summary>
    private static IResult AllModels()
    {
        var models = ChannelTypes.All
            .SelectMany(t => t.DefaultModels.Select(model => (model, owner: t.Name.ToLowerInvariant())))
            .DistinctBy(m => m.model)
            .Select(m => new ModelDescription(m.model, "model", 1626777600, m.owner, [], m.model, null));
        return Results.Json(new ModelList("list", models));
    }

    /// <summary>The group names are the keys of the <c>GroupRatio</c> option.</summary>
    private static ApiResponse<IEnumerable<string>> Groups(OptionStore options) =>
        ApiResponse.Done<IEnumerable<string>>(options.Current.GroupRatios.Keys.Order(StringComparer.Ordinal));
}
