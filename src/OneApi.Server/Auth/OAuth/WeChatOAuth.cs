using System.Text.Json;
using OneApi.Server.Options;

namespace OneApi.Server.Auth.OAuth;

/// <summary>
/// Sign-in through a WeChat server (songquanpeng/wechat-server): the user sends the official account a message,
/// gets a short code, and types it into the console; <c>{WeChatServerAddress}/api/wechat/user?code=</c>, called
/// with <c>WeChatServerToken</c>, answers the WeChat id it belongs to. There is no redirect, hence no state.
/// </summary>
public sealed class WeChatOAuth(IHttpClientFactory clients) : IOAuthProvider
{
    public string Name => "wechat";

    public System.Linq.Expressions.Expression<Func<OneApi.Data.Entities.User, bool>> Owns(string providerUserId) => u => u.WeChatId == providerUserId;

    public void Link(OneApi.Data.Entities.User user, string providerUserId) => user.WeChatId = providerUserId;

    public string? NotReady(RuntimeOptions options) =>
        options.GetBool("WeChatAuthEnabled") ? null : "the administrator has not enabled sign-in and registration with WeChat";

    public async Task<(OAuthIdentity? Identity, string? Error)> IdentifyAsync(string code, RuntimeOptions options, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(OAuthHttp.ClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"{options.Get("WeChatServerAddress").TrimEnd('/')}/api/wechat/user?code={Uri.EscapeDataString(code)}");
        // The token goes bare, not as a Bearer credential: that is what the WeChat server compares.
        request.Headers.TryAddWithoutValidation("Authorization", options.Get("WeChatServerToken"));
        using var answer = await OAuthHttp.ReadJsonAsync(client, request, cancellationToken);
        if (answer is null || answer.RootElement.ValueKind != JsonValueKind.Object)
        {
            return (null, "the WeChat server could not be reached; try again later");
        }
        var root = answer.RootElement;
        if (!root.TryGetProperty("success", out var success) || success.ValueKind != JsonValueKind.True)
        {
            return (null, OAuthHttp.Text(root, "message") is { Length: > 0 } message ? message : "the WeChat server refused the code");
        }
        return OAuthHttp.Text(root, "data") is { Length: > 0 } weChatId
            ? (new OAuthIdentity(weChatId, "WeChat User", null), null)
            : (null, "the verification code is wrong or has expired");
    }
}
