using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>A signed-in caller of the management API: a user of some role with its own access token.</summary>
public sealed record Member(int Id, string Username, int Role, HttpClient Client) : IDisposable
{
    public void Dispose() => Client.Dispose();
}

/// <summary>Calls <c>/api</c> and reads one-api's envelope.</summary>
public static class ApiClient
{
    public const string Password = "password123";

    // bcrypt is slow by design; one hash serves every test user.
    private static readonly Lazy<string> PasswordHashOnce = new(() => PasswordHash.Create(Password));

    /// <summary>A new user of <paramref name="role"/> (unique name, 12 chars at most) signed in by access token.</summary>
    public static async Task<Member> MemberAsync(this TestGateway gateway, int role = UserRole.Common, long quota = 0, string? group = null)
    {
        var username = "u" + Guid.NewGuid().ToString("N")[..10];
        var accessToken = Keys.Uuid();
        await using var db = await gateway.DbAsync();
        var user = new User
        {
            Username = username, Password = PasswordHashOnce.Value, DisplayName = username, Role = role,
            Quota = quota, AccessToken = accessToken, AffCode = Keys.Uuid()[..8], Group = group ?? "default",
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        var client = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(accessToken);
        return new Member(user.Id, username, role, client);
    }

    /// <summary>A management client for an existing user, signed in with its access token.</summary>
    public static async Task<HttpClient> ClientForAsync(this TestGateway gateway, int userId)
    {
        await using var db = await gateway.DbAsync();
        var accessToken = db.Users.Where(u => u.Id == userId).Select(u => u.AccessToken).First()!;
        var client = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(accessToken);
        return client;
    }

    /// <summary>One chat completion through the relay; returns its request id.</summary>
    public static async Task<string> ChatAsync(this TestGateway gateway, string key, string model = "gpt-4o-mini")
    {
        using var response = await gateway.RelayAsync("Bearer " + key, TestGateway.ChatRequest(model: model));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return response.Headers.GetValues("X-Oneapi-Request-Id").Single();
    }

    /// <summary>Sends a request and returns the envelope; a logical failure is still HTTP 200.</summary>
    public static async Task<JsonElement> SendAsync(this HttpClient client, HttpMethod method, string url, object? body = null,
        HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{method} {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<JsonElement> GetJsonAsync(this HttpClient client, string url) => client.SendAsync(HttpMethod.Get, url);

    public static Task<JsonElement> PostJsonAsync(this HttpClient client, string url, object body) => client.SendAsync(HttpMethod.Post, url, body);

    public static Task<JsonElement> PutJsonAsync(this HttpClient client, string url, object body) => client.SendAsync(HttpMethod.Put, url, body);

    public static Task<JsonElement> DeleteJsonAsync(this HttpClient client, string url) => client.SendAsync(HttpMethod.Delete, url);

    /// <summary>Asserts success and returns <c>data</c>.</summary>
    public static JsonElement Data(this JsonElement envelope)
    {
        Assert.True(envelope.GetProperty("success").GetBoolean(), envelope.ToString());
        return envelope.TryGetProperty("data", out var data) ? data : default;
    }

    /// <summary>Asserts a logical failure (HTTP 200, success=false) and returns the message.</summary>
    public static string Failure(this JsonElement envelope)
    {
        Assert.False(envelope.GetProperty("success").GetBoolean(), envelope.ToString());
        return envelope.GetProperty("message").GetString()!;
    }
}
