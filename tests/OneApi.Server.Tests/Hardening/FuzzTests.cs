using System.Collections.Concurrent;
using System.Net;
using System.Text;
using OneApi.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OneApi.Server.Tests.Hardening;

/// <summary>
/// Thousands of generated malformed requests against <c>/v1</c> and <c>/api</c>: every one gets a deliberate answer
/// (no 5xx), the quota is never overdrawn, and the server still serves a good request afterwards.
/// </summary>
public sealed class FuzzTests(GatewayPool pool, ITestOutputHelper output) : IClassFixture<GatewayPool>
{
    private const int Requests = 3000;

    [Fact]
    public async Task MalformedRequests_GetA4xxOrSuccess_NeverA5xx()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync(userQuota: 5_000_000, tokenQuota: 50_000, models: "gpt-4o-mini");
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));
        var random = new Random(20261125);
        var cases = Enumerable.Range(0, Requests).Select(_ => Generate(random, account)).ToList();

        var statuses = new ConcurrentDictionary<int, int>();
        var serverErrors = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (fuzz, _) =>
        {
            using var request = fuzz.Build();
            HttpStatusCode status;
            try
            {
                using var response = await gateway.Http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                status = response.StatusCode;
            }
            catch (HttpRequestException)
            {
                status = 0; // the server refused the bytes at the protocol level (e.g. an invalid header) and closed
            }
            statuses.AddOrUpdate((int)status, 1, (_, n) => n + 1);
            if ((int)status >= 500)
            {
                serverErrors.Add($"{(int)status} {fuzz.Description}");
            }
        });

        output.WriteLine($"fuzz: {Requests} requests; by status: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.Empty(serverErrors.Take(10));
        await using var db = await gateway.DbAsync();
        var token = db.Tokens.Single(t => t.Id == account.TokenId);
        output.WriteLine($"fuzz: token remain {token.RemainQuota}, used {token.UsedQuota}");
        Assert.True(token.RemainQuota >= 0);
        Assert.Equal(50_000, token.RemainQuota + token.UsedQuota);
        var alive = await Relay.ChatRelayTests.PostChatAsync(gateway, account, stream: false);
        Assert.Contains("chat.completion", alive, StringComparison.Ordinal);
    }

    private sealed record Fuzz(string Description, Func<HttpRequestMessage> Build);

    private static Fuzz Generate(Random random, TestAccount account)
    {
        var key = "Bearer " + account.Key;
        string[] relayPaths = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/moderations", "/v1/engines/x/embeddings"];
        string[] apiPaths = ["/api/channel/", "/api/token/", "/api/user/login", "/api/token/?status_only=1", "/api/channel/search?keyword="];
        var kind = random.Next(12);
        var path = kind < 8 ? relayPaths[random.Next(relayPaths.Length)] : apiPaths[random.Next(apiPaths.Length)];
        object generated = kind switch
        {
            0 => RandomBytes(random),
            1 => new string('[', random.Next(10, 5000)) + new string(']', random.Next(0, 10)),
            2 => Encoding.UTF8.GetBytes("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"").Concat(new byte[] { 0xC3, 0x28, 0xFF, 0xFE }).Concat("\"}]}"u8.ToArray()).ToArray(),
            3 => MutatedChat(random),
            4 => "{\"model\":\"gpt-4o-mini\",\"model\":\"gpt-4o\",\"messages\":[]}",
            5 => "{\"model\":\"gpt-4o-mini\\r\\nX-Injected: 1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            6 => "{\"model\":\"gpt-4o-mini' OR '1'='1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            7 => "{\"model\":\"gpt-4o-mini\",\"stream\":\"yes\",\"max_tokens\":1e400,\"messages\":{\"role\":7}}",
            8 => "{\"id\":\"1; DROP TABLE users;--\",\"name\":" + new string('9', 400) + "}",
            9 => RandomBytes(random),
            10 => "{\"username\":{\"$ne\":null},\"password\":[1,2,3]}",
            _ => "",
        };
        var body = generated is string text ? Encoding.UTF8.GetBytes(text) : (byte[])generated;
        string[] contentTypes = ["application/json", "text/plain", "multipart/form-data; boundary=zzz", "application/x-www-form-urlencoded", "application/json; charset=utf-16"];
        var contentType = contentTypes[random.Next(contentTypes.Length)];
        var authorization = kind < 8 ? key : TestGateway.RootAccessToken;
        var method = random.Next(10) == 0 ? HttpMethod.Put : HttpMethod.Post;
        return new Fuzz($"{method} {path} kind {kind} {contentType}", () =>
        {
            var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            return request;
        });
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 2048)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string MutatedChat(Random random)
    {
        var valid = """{"model":"gpt-4o-mini","max_tokens":16,"stream":false,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}],"name":"bob"}]}""";
        var chars = valid.ToCharArray();
        var edits = random.Next(1, 6);
        for (var i = 0; i < edits; i++)
        {
            const string noise = "{}[]\",:0a\\ -";
            chars[random.Next(chars.Length)] = noise[random.Next(noise.Length)];
        }
        return new string(chars);
    }
}
