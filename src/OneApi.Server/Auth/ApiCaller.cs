using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Admin;

namespace OneApi.Server.Auth;

/// <summary>The signed-in user of a management (<c>/api</c>) request.</summary>
public sealed record ApiCaller(int Id, string Username, int Role);

/// <summary>
/// one-api's <c>authHelper</c>: the session cookie, or else an access token in <c>Authorization</c>; the user must be
/// enabled and hold at least the role the route needs.
/// </summary>
public static class ApiAuth
{
    private const string CallerKey = "oneapi.caller";

    public static ApiCaller Caller(this HttpContext context) =>
        context.Items[CallerKey] as ApiCaller ?? throw new InvalidOperationException("route is not behind RequireRole");

    /// <summary>Endpoint filter: answers 401 without credentials, one-api's envelope for a bad token or a low role.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, int minRole) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var sessions = context.RequestServices.GetRequiredService<SessionCookie>();
            var databases = context.RequestServices.GetRequiredService<IDbContextFactory<OneApiDbContext>>();
            var sessionUserId = sessions.Read(context);
            var accessToken = context.Request.Headers.Authorization.ToString();
            if (accessToken.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                accessToken = accessToken[7..];
            }
            accessToken = accessToken.Trim();
            if (sessionUserId is null && accessToken.Length == 0)
            {
                return Results.Json(ApiResponse.Fail("not logged in and no access token provided"), statusCode: 401);
            }

            await using var db = await databases.CreateDbContextAsync(context.RequestAborted);
            var user = sessionUserId is { } id
                ? await db.Users.FirstOrDefaultAsync(u => u.Id == id, context.RequestAborted)
                : await db.Users.FirstOrDefaultAsync(u => u.AccessToken == accessToken, context.RequestAborted);
            if (user is null)
            {
                return ApiResponse.Failure(sessionUserId is null ? "invalid access token" : "not logged in");
            }
            if (user.Status != UserStatus.Enabled)
            {
                SessionCookie.Clear(context);
                return ApiResponse.Failure("user has been banned");
            }
            if (user.Role < minRole)
            {
                return ApiResponse.Failure("insufficient permissions");
            }
            context.Items[CallerKey] = new ApiCaller(user.Id, user.Username, user.Role);
            return await next(invocation);
        });
}
