using System.Net.Http.Headers;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Baidu;

/// <summary>
/// Baidu's access tokens (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/Ilkkrb0i5): the key's API key and secret key
/// exchanged at <c>{base}/oauth/2.0/token?grant_type=client_credentials</c> for a token good for
/// <c>expires_in</c> seconds (30 days). One exchange per key at a time, shared by every caller waiting for it; the
/// token is used until an hour before it expires (as one-api renews it), or until Baidu calls it expired.
/// </summary>
public sealed class BaiduAccessTokens(Func<HttpClient> http, TimeProvider? time = null)
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromHours(1);
    private static readonly TimeSpan ExchangeTimeout = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string BaseUrl, string Key), Task<AccessToken>> _tokens = [];

    /// <summary>The channel's token, exchanged now only when there is none still good (or being fetched).</summary>
    public async Task<string> GetAsync(string baseUrl, string key, CancellationToken cancellationToken)
    {
        Task<AccessToken> exchange;
        lock (_gate)
        {
            if (!_tokens.TryGetValue((baseUrl, key), out exchange!) || IsStale(exchange))
            {
                exchange = ExchangeAsync(baseUrl, key);
                _tokens[(baseUrl, key)] = exchange;
            }
        }
        return (await exchange.WaitAsync(cancellationToken).ConfigureAwait(false)).Token;
    }

    /// <summary>Forgets the key's token once Baidu calls it expired; an exchange already under way is kept.</summary>
    public void Drop(string baseUrl, string key)
    {
        lock (_gate)
        {
            if (_tokens.TryGetValue((baseUrl, key), out var exchange) && exchange.IsCompleted)
            {
                _tokens.Remove((baseUrl, key));
            }
        }
    }

    // A failed exchange is not kept: the next call tries again. One in flight is never stale.
    private bool IsStale(Task<AccessToken> exchange) =>
        exchange.IsFaulted || exchange.IsCanceled || (exchange.IsCompletedSuccessfully && _time.GetUtcNow() >= exchange.Result.Expires - RenewBefore);

    private async Task<AccessToken> ExchangeAsync(string baseUrl, string key)
    {
        var parts = key.Split('|');
        if (parts is not [{ Length: > 0 } apiKey, { Length: > 0 } secretKey])
        {
            throw new RelayErrorException(Refused("the Baidu channel's key must be API_KEY|SECRET_KEY"));
        }
        // Not tied to one caller's cancellation: others may be waiting for the same exchange.
        using var deadline = new CancellationTokenSource(ExchangeTimeout);
        var url = $"{baseUrl}/oauth/2.0/token?grant_type=client_credentials&client_id={Uri.EscapeDataString(apiKey)}&client_secret={Uri.EscapeDataString(secretKey)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        byte[] body;
        try
        {
            using var response = await http().SendAsync(request, deadline.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new RelayErrorException(RelayError.UpstreamTimeout());
        }
        catch (HttpRequestException e)
        {
            throw new RelayErrorException(RelayError.UpstreamUnreachable("Baidu's token exchange failed: " + e.HttpRequestError));
        }
        var answer = JsonWire.Parse(body);
        if (JsonWire.String(answer?["access_token"]) is not { Length: > 0 } token)
        {
            // {"error":"invalid_client","error_description":"unknown client id"}
            var reason = answer is null ? "not JSON" : $"{JsonWire.String(answer["error"])}: {JsonWire.String(answer["error_description"])}";
            throw new RelayErrorException(Refused("Baidu refused the access-token exchange: " + reason));
        }
        var lifetime = TimeSpan.FromSeconds(JsonWire.Int(answer!["expires_in"]) ?? 0);
        return new AccessToken(token, _time.GetUtcNow() + lifetime);
    }

    private static RelayError Refused(string message) => new(RelayErrorKind.UpstreamStatus, 401, message, ErnieErrors.Type, "invalid_api_key");

    private sealed record AccessToken(string Token, DateTimeOffset Expires);
}
