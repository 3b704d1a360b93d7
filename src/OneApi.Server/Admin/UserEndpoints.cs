using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Channels;
using OneApi.Server.Options;

namespace OneApi.Server.Admin;

/// <summary>Registration, login, logout and the signed-in user's own account.</summary>
public static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var user = app.MapGroup("/api/user").WithTags("User");
        user.MapPost("/register", Register).RequireRateLimiting(Hosting.RateLimits.Critical).RequireTurnstile();
        user.MapPost("/login", Login).RequireRateLimiting(Hosting.RateLimits.Critical);
        user.MapGet("/logout", Logout);
        user.MapGet("/self", GetSelf).RequireRole(UserRole.Common);
        user.MapPut("/self", UpdateSelf).RequireRole(UserRole.Common);
        user.MapDelete("/self", DeleteSelf).RequireRole(UserRole.Common);
        user.MapGet("/token", RotateAccessToken).RequireRole(UserRole.Common);
        user.MapGet("/aff", GetAffCode).RequireRole(UserRole.Common);
        user.MapGet("/dashboard", Dashboard).RequireRole(UserRole.Common);
        user.MapGet("/available_models", AvailableModels).RequireRole(UserRole.Common);
        user.MapGet("/get-by-token", GetByToken).Produces<TokenOwner>().RequireRelayKey();
    }

    public sealed record LoginRequest(string? Username, string? Password);

    /// <summary>The owner of a relay key, for <c>get-by-token</c>.</summary>
    public sealed record TokenOwner(int Uid, int TokenId, string Username);

    /// <summary>What login answers: the user without its quota or bindings.</summary>
    public sealed record SignedInUser(int Id, string Username, string DisplayName, int Role, int Status);

    public sealed record RegisterRequest(string? Username, string? Password, string? DisplayName, string? Email,
        string? VerificationCode, string? AffCode);

    /// <summary>The caller's own fields; a new <c>password</c> needs the current one in <c>original_password</c>.</summary>
    public sealed record SelfUpdate(string? Username, string? Password, string? DisplayName, string? OriginalPassword);

    /// <summary>One row of the 7-day dashboard; one-api sends these without JSON tags, so the names are Go's.</summary>
    public sealed record DashboardRow(
        [property: System.Text.Json.Serialization.JsonPropertyName("Day")] string Day,
        [property: System.Text.Json.Serialization.JsonPropertyName("ModelName")] string ModelName,
        [property: System.Text.Json.Serialization.JsonPropertyName("RequestCount")] int RequestCount,
        [property: System.Text.Json.Serialization.JsonPropertyName("Quota")] long Quota,
        [property: System.Text.Json.Serialization.JsonPropertyName("PromptTokens")] long PromptTokens,
        [property: System.Text.Json.Serialization.JsonPropertyName("CompletionTokens")] long CompletionTokens);

    private static async Task<ApiResponse> Register(RegisterRequest? request, IDbContextFactory<OneApiDbContext> databases, OptionStore options,
        UserAccounts accounts, VerificationCodes codes, CancellationToken cancellationToken)
    {
        var o = options.Current;
        if (!o.GetBool("RegisterEnabled"))
        {
            return ApiResponse.Failure("the administrator has turned off registration");
        }
        if (!o.GetBool("PasswordRegisterEnabled"))
        {
            return ApiResponse.Failure("the administrator has turned off registration with a password; sign up with a third-party account");
        }
        if (request is null || string.IsNullOrEmpty(request.Username) || string.IsNullOrEmpty(request.Password))
        {
            return ApiResponse.Failure("invalid parameters");
        }
        if (UserRules.Check(request.Username, request.Password, request.DisplayName, request.Email) is { } problem)
        {
            return ApiResponse.Failure(problem);
        }
        var email = "";
        if (o.GetBool("EmailVerificationEnabled"))
        {
            if (string.IsNullOrEmpty(request.Email) || string.IsNullOrEmpty(request.VerificationCode))
            {
                return ApiResponse.Failure("email verification is on: enter your email address and the verification code");
            }
            if (!codes.Consume(VerificationCodes.EmailVerification, request.Email, request.VerificationCode))
            {
                return ApiResponse.Failure("the verification code is wrong or has expired");
            }
            email = UserRules.NormalizeEmail(request.Email);
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await accounts.UsernameTakenAsync(db, request.Username, cancellationToken))
        {
            return ApiResponse.Failure("the username is already taken");
        }
        if (email != "" && await UserAccounts.EmailTakenAsync(db, email, 0, cancellationToken))
        {
            return ApiResponse.Failure(UserRules.EmailInUse);
        }
        var inviterId = await accounts.InviterByAffCodeAsync(db, request.AffCode, cancellationToken) ?? 0;
        await accounts.CreateAsync(new UserAccounts.NewUser(request.Username, request.Password, request.DisplayName ?? "")
        {
            Email = email,
            InviterId = inviterId,
        }, cancellationToken);
        return ApiResponse.Done();
    }

    /// <summary>Signs in by username or email; the answer carries the session cookie.</summary>
    private static async Task<ApiResponse<SignedInUser>> Login(LoginRequest? request, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
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
        var email = UserRules.NormalizeEmail(request.Username);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(
            u => (u.Username == request.Username || (u.Email != "" && (u.Email == request.Username || u.Email == email))) && u.Status != UserStatus.Deleted,
            cancellationToken);
        if (user is null || user.Status != UserStatus.Enabled || !PasswordHash.Verify(request.Password, user.Password))
        {
            return ApiResponse.Failure("username or password is wrong, or the user has been banned");
        }
        return SignIn(context, sessions, user);
    }

    /// <summary>Writes the session and answers as one-api's login does; OAuth logins end here too.</summary>
    public static ApiResponse<SignedInUser> SignIn(HttpContext context, SessionCookie sessions, User user)
    {
        sessions.Issue(context, user);
        return ApiResponse.Done(new SignedInUser(user.Id, user.Username, user.DisplayName, user.Role, user.Status));
    }

    /// <summary>Ends the session for good: the cookie, even if kept, is refused from now on (on every node).</summary>
    private static async Task<ApiResponse> Logout(HttpContext context, SessionCookie sessions, IDbContextFactory<OneApiDbContext> databases,
        CancellationToken cancellationToken)
    {
        if (sessions.Read(context) is { } session)
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            // Only a live cookie ends the sessions: an old one, already refused, must not log the user out elsewhere.
            await db.Users.Where(u => u.Id == session.UserId && u.SessionVersion == session.Version).RevokeSessionsAsync(cancellationToken);
        }
        SessionCookie.Clear(context);
        return ApiResponse.Done();
    }

    private static async Task<ApiResponse<UserView>> GetSelf(HttpContext context, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstAsync(u => u.Id == context.Caller().Id, cancellationToken);
        return ApiResponse.Done(UserView.Of(user));
    }

    /// <summary>
    /// Username, display name and password; an empty password leaves it as it is. A new password needs the current
    /// one and ends every other session; the caller's own browser gets a fresh cookie.
    /// </summary>
    private static async Task<ApiResponse> UpdateSelf(SelfUpdate? update, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        UserAccounts accounts, SessionCookie sessions, CancellationToken cancellationToken)
    {
        if (update is null)
        {
            return ApiResponse.Failure("invalid parameters");
        }
        var password = string.IsNullOrEmpty(update.Password) ? null : update.Password;
        if (UserRules.Check(update.Username, password, update.DisplayName) is { } problem)
        {
            return ApiResponse.Failure(problem);
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsTracking().FirstAsync(u => u.Id == context.Caller().Id, cancellationToken);
        // Whoever holds a session or an access token must not be able to lock the owner out with it.
        if (password is not null && !PasswordHash.Verify(update.OriginalPassword ?? "", user.Password))
        {
            return ApiResponse.Failure("the current password is missing or wrong");
        }
        if (!string.IsNullOrEmpty(update.Username) && update.Username != user.Username)
        {
            if (await accounts.UsernameTakenAsync(db, update.Username, cancellationToken))
            {
                return ApiResponse.Failure("the username is already taken");
            }
            user.Username = update.Username;
        }
        if (!string.IsNullOrEmpty(update.DisplayName))
        {
            user.DisplayName = update.DisplayName;
        }
        if (password is not null)
        {
            user.Password = PasswordHash.Create(password);
            user.RevokeSessions();
        }
        await db.SaveChangesAsync(cancellationToken);
        if (password is not null && sessions.Read(context) is not null)
        {
            sessions.Issue(context, user);
        }
        return ApiResponse.Done();
    }

    private static async Task<ApiResponse> DeleteSelf(HttpContext context, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        var caller = context.Caller();
        if (caller.Role == UserRole.Root)
        {
            return ApiResponse.Failure("the root user cannot be deleted");
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await UserAccounts.SoftDeleteAsync(db, caller.Id, cancellationToken);
        SessionCookie.Clear(context);
        return ApiResponse.Done();
    }

    /// <summary>Issues a new access token for the management API; the old one stops working.</summary>
    private static async Task<ApiResponse<string>> RotateAccessToken(HttpContext context, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        var accessToken = Keys.Uuid();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.Id == context.Caller().Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessToken, accessToken), cancellationToken);
        return ApiResponse.Done(accessToken);
    }

    /// <summary>The invite code, made on first request for accounts that have none.</summary>
    private static async Task<ApiResponse<string>> GetAffCode(HttpContext context, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsTracking().FirstAsync(u => u.Id == context.Caller().Id, cancellationToken);
        if (string.IsNullOrEmpty(user.AffCode))
        {
            user.AffCode = await UserAccounts.NewAffCodeAsync(db, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        return ApiResponse.Done(user.AffCode);
    }

    /// <summary>The caller's consumption over the last seven days, per UTC day and model.</summary>
    private static async Task<ApiResponse<IEnumerable<DashboardRow>>> Dashboard(HttpContext context, LogDatabase databases, TimeProvider time,
        CancellationToken cancellationToken)
    {
        const long day = 86_400;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var end = (now / day + 1) * day - 1;
        var start = (now / day - 7) * day;
        var userId = context.Caller().Id;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.Logs
            .Where(l => l.Type == LogType.Consume && l.UserId == userId && l.CreatedAt >= start && l.CreatedAt <= end)
            // The day's first second, by subtraction: MySQL's "/" divides exactly, so a division here rounded afternoons
            // up into the next day there.
            .GroupBy(l => new { Day = l.CreatedAt - l.CreatedAt % day, l.ModelName })
            .Select(g => new
            {
                g.Key.Day,
                g.Key.ModelName,
                Count = g.Count(),
                Quota = g.Sum(l => (long)l.Quota),
                Prompt = g.Sum(l => (long)l.PromptTokens),
                Completion = g.Sum(l => (long)l.CompletionTokens),
            })
            .ToListAsync(cancellationToken);
        return ApiResponse.Done(rows
            .OrderBy(r => r.Day).ThenBy(r => r.ModelName, StringComparer.Ordinal)
            .Select(r => new DashboardRow(DateTimeOffset.FromUnixTimeSeconds(r.Day).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                r.ModelName, r.Count, r.Quota, r.Prompt, r.Completion)));
    }

    /// <summary>The models some enabled channel serves to the caller's group.</summary>
    private static async Task<ApiResponse<IReadOnlyList<string>>> AvailableModels(HttpContext context, IDbContextFactory<OneApiDbContext> databases, RoutingTableStore routing,
        CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var group = await db.Users.Where(u => u.Id == context.Caller().Id).Select(u => u.Group).FirstAsync(cancellationToken);
        return ApiResponse.Done(routing.Current.ModelsFor(group));
    }

    /// <summary>Laisky's lookup of the key's owner; a raw object, not the envelope.</summary>
    private static IResult GetByToken(HttpContext context)
    {
        var caller = context.RelayCaller();
        return Results.Json(new TokenOwner(caller.UserId, caller.TokenId, caller.Username));
    }
}
