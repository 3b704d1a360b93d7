using System.Linq.Expressions;
using OneApi.Data.Entities;

namespace OneApi.Server.Auth.OAuth;

/// <summary>Who the provider says signed in: its stable user id, and a name and email for a new account.</summary>
public sealed record OAuthIdentity(string ProviderUserId, string? Name, string? Email);

/// <summary>A provider that turns an authorization code into an identity, or explains why it could not.</summary>
public interface IOAuthProvider
{
    /// <summary>The provider's name in routes and usernames (<c>github</c>, <c>oidc</c>).</summary>
    string Name { get; }

    /// <summary>The user whose column for this provider holds <paramref name="providerUserId"/>.</summary>
    Expression<Func<User, bool>> Owns(string providerUserId);

    /// <summary>Links the account to the provider's user.</summary>
    void Link(User user, string providerUserId);

    /// <summary>Null when the provider is switched off or not configured.</summary>
    string? NotReady(Options.RuntimeOptions options);

    Task<(OAuthIdentity? Identity, string? Error)> IdentifyAsync(string code, Options.RuntimeOptions options, CancellationToken cancellationToken);
}

/// <summary>Where GitHub lives; replaceable for GitHub Enterprise (<c>GITHUB_OAUTH_URL</c>, <c>GITHUB_API_URL</c>) and for tests.</summary>
public sealed record GitHubEndpoints(string OAuthBaseUrl, string ApiBaseUrl)
{
    public static GitHubEndpoints From(IConfiguration config) => new(
        (config["GITHUB_OAUTH_URL"] is { Length: > 0 } oauth ? oauth : "https://github.com").TrimEnd('/'),
        (config["GITHUB_API_URL"] is { Length: > 0 } api ? api : "https://api.github.com").TrimEnd('/'));
}
