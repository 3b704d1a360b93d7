using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Options;

namespace OneApi.Server.Admin;

/// <summary>Login, logout and the signed-in user's own account.</summary>
public static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var user = app.MapGroup("/api/user");
        user.MapPost("/login", Login).RequireRateLimiting(Hosting.RateLimits.Critical);
        user.MapGet("/logout", Logout);
        user.MapGet("/self", GetSelf).RequireRole(UserRole.Common);
        user.MapGet("/token", RotateAccessToken).RequireRole(UserRole.Common);
    }

    public sealed record LoginRequest(string? Username, string? Password);

    private static async Task<IResult> Login(LoginRequest? request, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        OptionStore options, SessionCookie sessions, CancellationToken cancellationToken)
    {
        if (!options.Current.GetBool("PasswordLoginEnabled"))
        {
            return ApiResponse.Failure("password login has been disabled by the administrator");
        }
        if (string.IsNullOrEmpty(request?.Username) || string.IsNullOrEmpty(request.Password))
        {
            return ApiResponse.Failure("invalid parameters");
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(
            u => (u.Username == request.Username || (u.Email != "" && u.Email == request.Username)) && u.Status != UserStatus.Deleted,
            cancellationToken);
        if (user is null || !PasswordHash.Verify(request.Password, user.Password))
        {
            return ApiResponse.Failure("username or password is wrong, or the user has been banned");
        }
        if (user.Status != UserStatus.Enabled)
        {
            return ApiResponse.Failure("username or password is wrong, or the user has been banned");
        }
        sessions.Issue(context, user.Id);
        return ApiResponse.Done(new { id = user.Id, username = user.Username, display_name = user.DisplayName, role = user.Role, status = user.Status });
    }

    private static IResult Logout(HttpContext context)
    {
        SessionCookie.Clear(context);
        return ApiResponse.Done();
    }

    private static async Task<IResult> GetSelf(HttpContext context, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstAsync(u => u.Id == context.Caller().Id, cancellationToken);
        return ApiResponse.Done(UserView.Of(user));
    }

    /// <summary>Issues a new access token for the management API; the old one stops working.</summary>
    private static async Task<IResult> RotateAccessToken(HttpContext context, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        var accessToken = Keys.Uuid();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.Id == context.Caller().Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessToken, accessToken), cancellationToken);
        return ApiResponse.Done(accessToken);
    }
}
