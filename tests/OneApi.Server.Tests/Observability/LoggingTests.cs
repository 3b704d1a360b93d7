using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Observability;

public sealed class LoggingTests
{
    [Fact]
    public async Task FullFlow_JsonLogFiles_CarryTheRequestId_AndNoSecret()
    {
        var logDirectory = Directory.CreateTempSubdirectory("oneapi-logs-");
        const string password = "N3w-root-passphrase";
        const string sessionSecret = "log-test-session-secret-value";
        await using var upstream = await FakeOpenAIUpstream.StartAsync();
        TestAccount account;
        string failedRequestId;
        string channelKey;
        try
        {
            await using (var gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?>
            {
                ["LOG_DIR"] = logDirectory.FullName,
                ["LOG_FORMAT"] = "json",
                ["SESSION_SECRET"] = sessionSecret,
            }))
            {
                using var browser = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
                await AssertSuccessAsync(await browser.PostAsJsonAsync("/api/user/login", new { username = "root", password = "123456" }));
                await AssertSuccessAsync(await browser.PutAsJsonAsync("/api/user/self", new { password, original_password = "123456" }));
                await AssertSuccessAsync(await browser.PostAsJsonAsync("/api/user/login", new { username = "root", password }));

                account = await gateway.CreateAccountAsync();
                channelKey = "sk-upstream-" + account.Group;
                // the upstream quotes the key it was sent in its error, and the failure is logged
                await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", upstream.BaseUrl(account.Group, "error401-echo"));
                using var failed = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());
                Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
                failedRequestId = failed.Headers.GetValues("X-Oneapi-Request-Id").Single();
                using var refused = await gateway.RelayAsync("Bearer sk-" + new string('x', 48), TestGateway.ChatRequest());
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            var lines = Directory.GetFiles(logDirectory.FullName, "oneapi-*.log").SelectMany(File.ReadAllLines).ToList();
            var events = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
            var failure = Assert.Single(events, e => e.GetProperty("@mt").GetString()!.Contains("failed", StringComparison.Ordinal)
                                                     && e.TryGetProperty("ChannelId", out _));
            Assert.Equal(failedRequestId, failure.GetProperty("RequestId").GetString());
            var secrets = new[] { password, sessionSecret, channelKey, account.Key[3..], TestGateway.RootAccessToken };
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
            }
        }
        finally
        {
            logDirectory.Delete(recursive: true);
        }
    }

    private static async Task AssertSuccessAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var envelope = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(envelope.GetProperty("success").GetBoolean(), envelope.ToString());
        }
    }
}
