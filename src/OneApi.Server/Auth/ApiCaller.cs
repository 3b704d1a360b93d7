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
            await AuthorizeAsync(invocation.HttpContext, minRole) is { } refusal ? refusal : await next(invocation));

    /// <summary>Middleware form of <see cref="RequireRole"/>, for what is served outside the endpoints (static pages).</summary>
    public static IApplicationBuilder RequireRole(this IApplicationBuilder app, int minRole) => app.Use(async (context, next) =>
    {
        if (await AuthorizeAsync(context, minRole) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    /// <summary>Null when the caller may go on (and is then known to <see cref="Caller"/>), else the answer that refuses it.</summary>
    private static async Task<IResult?> AuthorizeAsync(HttpContext context, int minRole)
    {
        var sessions = context.RequestServices.GetRequiredService<SessionCookie>();
        var databases = context.RequestServices.GetRequiredService<IDbContextFactory<OneApiDbContext>>();
        var accessToken = context.Request.Headers.Authorization.ToString();
        if (accessToken.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            accessToken = accessToken[7..];
        }
        accessToken = accessToken.Trim();
        var session = sessions.Read(context);
        if (session is null && accessToken.Length == 0)
        {
            return Results.Json(ApiResponse.Failure("not logged in and no access token provided"), statusCode: 401);
        }

        await using var db = await databases.CreateDbContextAsync(context.RequestAborted);
        var user = session is not null
            ? await SessionUserAsync(context, db)
            : await db.Users.FirstOrDefaultAsync(u => u.AccessToken == accessToken, context.RequestAborted);
        if (user is null)
        {
            if (session is null)
            {
                return ApiResponse.Failure("invalid access token").ToResult();
            }
            SessionCookie.Clear(context); // ended by logout, a password change or an admin
            return ApiResponse.Failure("not logged in").ToResult();
        }
        if (user.Status != UserStatus.Enabled)
        {
            SessionCookie.Clear(context);
            return ApiResponse.Failure("user has been banned").ToResult();
        }
        if (user.Role < minRole)
        {
            return ApiResponse.Failure("insufficient permissions").ToResult();
        }
        context.Items[CallerKey] = new ApiCaller(user.Id, user.Username, user.Role);
        return null;
    }

    /// <summary>The user of the request's session cookie, when the cookie is valid and of the user's current session version.</summary>
    public static async Task<User?> SessionUserAsync(HttpContext context, OneApiDbContext db)
    {
        if (context.RequestServices.GetRequiredService<SessionCookie>().Read(context) is not { } session)
        {
            return null;
        }
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == session.UserId, context.RequestAborted);
        return user?.SessionVersion == session.Version ? user : null;
    }
}
