using OneApi.Data.Entities;
using OneApi.Relay.Abstractions;
using OneApi.Server.Auth;

namespace OneApi.Server.Admin;

/// <summary>The channel-type catalogue the console's channel form is built from, so no type number lives in the console.</summary>
public static class ChannelTypeEndpoints
{
    public static void MapChannelTypeEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/channel/types", Types).RequireRole(UserRole.Admin).WithTags("Channel");

    public sealed record ChannelTypeView(int Id, string Name, string DefaultBaseUrl);

    private static IResult Types() =>
        ApiResponse.Done(Enumerable.Range(1, ChannelTypes.Dummy - 1)
            .Select(type => new ChannelTypeView(type, ChannelTypes.NameOf(type), ChannelTypes.DefaultBaseUrl(type))));
}
