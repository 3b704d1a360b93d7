using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OneApi.Server.Tests.Billing;

/// <summary>
/// Every billed endpoint with every field its price depends on set to values a client should not send: each request
/// is refused (4xx) or served and charged, never served free, never a 5xx. And an empty account is refused everywhere.
/// </summary>
public sealed class BillingFieldFuzzTests(GatewayPool pool, ITestOutputHelper output) : IClassFixture<GatewayPool>
{
    private static readonly string[] HostileValues =
        ["-1", "-100000", "0", "1.5", "\"10\"", "null", "true", "[]", "{}", "1e9", "99999999999999999999", "2147483648", "-2147483649"];

    /// <summary>(path, model, body template with FIELD:VALUE, a sane FIELD:VALUE, the fields the price depends on).</summary>
    private static readonly (string Path, string Model, string Template, string Sane, string[] Fields)[] Endpoints =
    [
        ("/v1/chat/completions", "gpt-4o-mini", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"FIELD":VALUE}""",
            "\"max_tokens\":16", ["max_tokens", "max_completion_tokens", "n", "stream"]),
        ("/v1/completions", "gpt-3.5-turbo-instruct", """{"model":"gpt-3.5-turbo-instruct","prompt":"hi","FIELD":VALUE}""",
            "\"max_tokens\":16", ["max_tokens", "n", "best_of"]),
        ("/v1/embeddings", "text-embedding-3-small", """{"model":"text-embedding-3-small","input":"hi","FIELD":VALUE}""",
            "\"dimensions\":8", ["input", "dimensions"]),
        ("/v1/images/generations", "dall-e-2", """{"model":"dall-e-2","prompt":"a cat","size":"256x256","FIELD":VALUE}""",
            "\"n\":1", ["n", "size", "quality"]),
        ("/v1/audio/speech", "tts-1", """{"model":"tts-1","voice":"alloy","input":"hello","FIELD":VALUE}""",
            "\"speed\":1", ["input", "speed"]),
        ("/v1/messages", "gpt-4o-mini", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"FIELD":VALUE}""",
            "\"max_tokens\":16", ["max_tokens"]),
    ];

    [Fact]
    public async Task HostileBillingFields_OnEveryBilledEndpoint_AreRefusedOrCharged_NeverFreeNor5xx()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, string.Join(',', Endpoints.Select(e => e.Model).Distinct()),
            pool.Upstream.BaseUrl(account.Group, "ok"));
        var served = new List<string>();
        var serverErrors = new List<string>();
        var refused = 0;

        foreach (var (path, _, template, _, fields) in Endpoints)
        {
            foreach (var field in fields)
            {
                foreach (var value in HostileValues)
                {
                    var body = template.Replace("\"FIELD\":VALUE", $"\"{field}\":{value}", StringComparison.Ordinal);
                    using var response = await SendAsync(gateway, account, path, body);
                    var description = $"{path} {field}={value} → {(int)response.StatusCode}";
                    if ((int)response.StatusCode >= 500)
                    {
                        serverErrors.Add(description + " " + await response.Content.ReadAsStringAsync());
                    }
                    else if (response.IsSuccessStatusCode)
                    {
                        served.Add(response.Headers.GetValues("X-Oneapi-Request-Id").Single());
                    }
                    else
                    {
                        refused++;
                    }
                }
            }
        }

        output.WriteLine($"billing fuzz: {served.Count} served, {refused} refused, {serverErrors.Count} server errors");
        Assert.Empty(serverErrors);
        Assert.True(refused > 0 && served.Count > 0);
        await using var db = await gateway.DbAsync();
        var charged = await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume && l.Quota > 0)
            .Select(l => l.RequestId).ToListAsync();
        Assert.Empty(served.Except(charged));
    }

    [Fact]
    public async Task EmptyAccount_IsRefusedOnEveryBilledEndpoint_AndNothingGoesUpstream()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync(userQuota: 0);
        await gateway.CreateChannelAsync(account.Group, string.Join(',', Endpoints.Select(e => e.Model).Distinct().Append("whisper-1")),
            pool.Upstream.BaseUrl(account.Group, "ok"));

        var statuses = new List<HttpStatusCode>();
        foreach (var (path, _, template, sane, _) in Endpoints)
        {
            using var response = await SendAsync(gateway, account, path, template.Replace("\"FIELD\":VALUE", sane, StringComparison.Ordinal));
            statuses.Add(response.StatusCode);
        }
        using var transcription = await gateway.TranscribeAsync(account.Key);
        statuses.Add(transcription.StatusCode);
        using var responses = await SendAsync(gateway, account, "/v1/responses", """{"model":"gpt-4o-mini","input":"hi","max_output_tokens":16}""");
        statuses.Add(responses.StatusCode);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Forbidden, status));
        Assert.Empty(pool.Upstream.Requests(account.Group));
    }

    private static async Task<HttpResponseMessage> SendAsync(TestGateway gateway, TestAccount account, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Key);
        var response = await gateway.Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
