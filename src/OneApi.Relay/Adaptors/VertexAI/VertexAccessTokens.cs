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

    // Created on the first Vertex call: a field typed with Google's classes would load Google.Apis into every node.
    private Credentials? _credentials;

    public Task<string> GetAsync(string serviceAccountJson, CancellationToken cancellationToken)
    {
        var credentials = LazyInitializer.EnsureInitialized(ref _credentials);
        return credentials.TokenAsync(serviceAccountJson, cancellationToken);
    }

    private sealed class Credentials
    {
        private readonly ConcurrentDictionary<string, Lazy<GoogleCredential>> _byKey = new(StringComparer.Ordinal);

        public Task<string> TokenAsync(string serviceAccountJson, CancellationToken cancellationToken)
        {
            var credential = _byKey.GetOrAdd(serviceAccountJson, json => new Lazy<GoogleCredential>(() =>
                CredentialFactory.FromJson<ServiceAccountCredential>(json).ToGoogleCredential().CreateScoped(CloudPlatformScope)));
            return credential.Value.UnderlyingCredential.GetAccessTokenForRequestAsync(null, cancellationToken);
        }
    }
}
