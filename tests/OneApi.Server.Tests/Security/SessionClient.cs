using System.Net.Http.Json;
using System.Text.Json;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Security;

/// <summary>
/// A browser's session as an attacker would keep it: the <c>session</c> cookie copied from the login answer and
/// replayed by hand, whatever the server later asks the browser to do with it.
/// </summary>
public static class SessionClient
{
    /// <summary>Logs in and returns the login answer, from which <see cref="CookieOf"/> takes the session.</summary>
    public static async Task<HttpResponseMessage> LoginAsync(this TestGateway gateway, string username, string password)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(gateway.BaseUrl) };
        var response = await client.PostAsJsonAsync("/api/user/login", new { username, password });
        await response.Content.LoadIntoBufferAsync();
        var envelope = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(envelope.GetProperty("success").GetBoolean(), envelope.ToString());
        return response;
    }

    /// <summary>Logs in and returns the <c>session=…</c> pair to replay.</summary>
    public static async Task<string> SessionCookieAsync(this TestGateway gateway, string username, string password)
    {
        using var response = await gateway.LoginAsync(username, password);
        return CookieOf(response);
    }

    public static string CookieOf(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("session=", StringComparison.Ordinal)).Split(';')[0];

    /// <summary>A client that sends exactly this cookie on every request and ignores what the server sets.</summary>
    public static HttpClient WithCookie(this TestGateway gateway, string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(gateway.BaseUrl) };
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }
}
