using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Auth.OAuth;
using OneApi.Server.Options;

namespace OneApi.Server.Admin;

/// <summary>
/// Sign-in with GitHub, OIDC and Lark, one-api's way: the console asks for a <c>state</c>, the provider sends the
/// browser back with a code and that state, and the code signs in the provider's user (creating the account the first
/// time), or, for a signed-in user, links the provider's account to it. WeChat's codes are typed in by the user, so
/// they come without a state, and linking has a route of its own.
/// </summary>
public static class OAuthEndpoints
{
    private const string StateCookie = "oauth_state";
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    public static void MapOAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var oauth = app.MapGroup("/api/oauth").WithTags("OAuth");
        oauth.MapGet("/state", IssueState);
        oauth.MapGet("/github", (string? code, string? state, HttpContext context, GitHubOAuth provider, OAuthSignIn signIn) =>
            signIn.CompleteAsync(context, provider, code, state)).Produces<ApiResponse<UserEndpoints.SignedInUser>>();
        oauth.MapGet("/oidc", (string? code, string? state, HttpContext context, OidcOAuth provider, OAuthSignIn signIn) =>
            signIn.CompleteAsync(context, provider, code, state)).Produces<ApiResponse<UserEndpoints.SignedInUser>>();
        oauth.MapGet("/lark", (string? code, string? state, HttpContext context, LarkOAuth provider, OAuthSignIn signIn) =>
            signIn.CompleteAsync(context, provider, code, state)).Produces<ApiResponse<UserEndpoints.SignedInUser>>();
        // A WeChat code is a few characters the user types: the critical limit keeps them from being guessed.
        oauth.MapGet("/wechat", (string? code, HttpContext context, WeChatOAuth provider, OAuthSignIn signIn) =>
            signIn.SignInOrLinkAsync(context, provider, code, linkTo: null)).Produces<ApiResponse<UserEndpoints.SignedInUser>>().RequireRateLimiting(Hosting.RateLimits.Critical);
        oauth.MapGet("/wechat/bind", (string? code, HttpContext context, WeChatOAuth provider, OAuthSignIn signIn) =>
            signIn.SignInOrLinkAsync(context, provider, code, linkTo: context.Caller().Id)).Produces<ApiResponse>()
            .RequireRole(UserRole.Common).RequireRateLimiting(Hosting.RateLimits.Critical);
    }

    private static ApiResponse<string> IssueState(HttpContext context, SessionCookie sessions)
    {
        var state = Keys.RandomString(12);
        sessions.IssueValue(context, StateCookie, state, StateLifetime);
        return ApiResponse.Done(state);
    }

    /// <summary>The part of the flow after the provider's redirect, shared by every provider.</summary>
    public sealed class OAuthSignIn(IDbContextFactory<OneApiDbContext> databases, OptionStore options, SessionCookie sessions, UserAccounts accounts)
    {
        /// <summary>The redirect flow: the state must be the one this browser was given; a signed-in user links.</summary>
        public async Task<IResult> CompleteAsync(HttpContext context, IOAuthProvider provider, string? code, string? state)
        {
            var expected = sessions.ReadValue(context, StateCookie);
            if (string.IsNullOrEmpty(state) || expected != state)
            {
                return Results.Json(ApiResponse.Failure("state is empty or does not match"), statusCode: StatusCodes.Status403Forbidden);
            }
            SessionCookie.ClearValue(context, StateCookie);
            int? signedIn;
            await using (var db = await databases.CreateDbContextAsync(context.RequestAborted))
            {
                signedIn = (await ApiAuth.SessionUserAsync(context, db))?.Id;
            }
            return await SignInOrLinkAsync(context, provider, code, signedIn);
        }

        /// <summary>Links the provider's account to user <paramref name="linkTo"/>, or, when null, signs in with it.</summary>
        public async Task<IResult> SignInOrLinkAsync(HttpContext context, IOAuthProvider provider, string? code, int? linkTo)
        {
            var o = options.Current;
            if (provider.NotReady(o) is { } notReady)
            {
                return ApiResponse.Failure(notReady).ToResult();
            }
            if (string.IsNullOrEmpty(code))
            {
                return ApiResponse.Failure("invalid parameters").ToResult();
            }
            var (identity, error) = await provider.IdentifyAsync(code, o, context.RequestAborted);
            if (identity is null)
            {
                return ApiResponse.Failure(error!).ToResult();
            }
            await using var db = await databases.CreateDbContextAsync(context.RequestAborted);
            var owner = await db.Users.Where(u => u.Status != UserStatus.Deleted).Where(provider.Owns(identity.ProviderUserId))
                .AsTracking().FirstOrDefaultAsync(context.RequestAborted);
            return linkTo is { } signedIn
                ? await LinkAsync(db, provider, identity, owner, signedIn, context.RequestAborted)
                : await SignInAsync(context, db, provider, identity, owner, o);
        }

        private static async Task<IResult> LinkAsync(OneApiDbContext db, IOAuthProvider provider, OAuthIdentity identity, User? owner, int userId,
            CancellationToken cancellationToken)
        {
            if (owner is not null && owner.Id != userId)
            {
                return ApiResponse.Failure($"this {provider.Name} account is already linked to another user").ToResult();
            }
            var user = await db.Users.AsTracking().FirstAsync(u => u.Id == userId, cancellationToken);
            provider.Link(user, identity.ProviderUserId);
            await db.SaveChangesAsync(cancellationToken);
            return Results.Json(new ApiResponse(true, "bind"));
        }

        private async Task<IResult> SignInAsync(HttpContext context, OneApiDbContext db, IOAuthProvider provider, OAuthIdentity identity, User? user,
            RuntimeOptions o)
        {
            if (user is null)
            {
                if (!o.GetBool("RegisterEnabled"))
                {
                    return ApiResponse.Failure("the administrator has turned off registration").ToResult();
                }
                user = await RegisterAsync(db, provider, identity, context.RequestAborted);
            }
            if (user.Status != UserStatus.Enabled)
            {
                return ApiResponse.Failure("user has been banned").ToResult();
            }
            return UserEndpoints.SignIn(context, sessions, user).ToResult();
        }

        /// <summary>one-api names the account after the provider and the next user id, e.g. <c>github_42</c>.</summary>
        private async Task<User> RegisterAsync(OneApiDbContext db, IOAuthProvider provider, OAuthIdentity identity, CancellationToken cancellationToken)
        {
            var nextId = (await db.Users.MaxAsync(u => (int?)u.Id, cancellationToken) ?? 0) + 1;
            var displayName = string.IsNullOrWhiteSpace(identity.Name) ? $"{provider.Name} user" : identity.Name;
            var email = identity.Email is { } e && UserRules.Check(email: UserRules.NormalizeEmail(e)) is null &&
                        !await UserAccounts.EmailTakenAsync(db, e, 0, cancellationToken) ? e : "";
            return await accounts.CreateAsync(new UserAccounts.NewUser($"{provider.Name}_{nextId}", null, displayName[..Math.Min(displayName.Length, UserRules.MaxDisplayNameLength)])
            {
                Email = email,
                Customize = user => provider.Link(user, identity.ProviderUserId),
            }, cancellationToken);
        }
    }
}
