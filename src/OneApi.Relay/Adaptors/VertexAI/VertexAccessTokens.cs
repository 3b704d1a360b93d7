using System.Collections.Concurrent;
using Google.Apis.Auth.OAuth2;

namespace OneApi.Relay.Adaptors.VertexAI;

/// <summary>OAuth access tokens for a Google service account, given its JSON key.</summary>
public interface IGoogleAccessTokens
{
    Task<string> GetAsync(string serviceAccountJson, CancellationToken cancellationToken);
}

/// <summary>
/// Tokens from Google.Apis.Auth: one credential per key, which keeps its token until shortly before it expires and
/// then fetches a new one (a signed JWT exchanged at the key's <c>token_uri</c>). Only service-account keys are accepted.
/// </summary>
public sealed class GoogleServiceAccountTokens : IGoogleAccessTokens
{
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly ConcurrentDictionary<string, Lazy<GoogleCredential>> _credentials = new(StringComparer.Ordinal);

    public Task<string> GetAsync(string serviceAccountJson, CancellationToken cancellationToken)
    {
        var credential = _credentials.GetOrAdd(serviceAccountJson, json => new Lazy<GoogleCredential>(() =>
            CredentialFactory.FromJson<ServiceAccountCredential>(json).ToGoogleCredential().CreateScoped(CloudPlatformScope)));
        return credential.Value.UnderlyingCredential.GetAccessTokenForRequestAsync(null, cancellationToken);
    }
}
