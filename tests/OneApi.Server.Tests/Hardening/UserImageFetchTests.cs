using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Data.Entities;
using OneApi.Relay.Images;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Hardening;

/// <summary>
/// Claude, Bedrock and Vertex take images only inline, so the gateway fetches the URLs a client names. A client must
/// not reach the gateway's own network through them, nor make it hold hundreds of megabytes for a 1 KB request.
/// The picture host is on loopback and allowed by <c>USER_CONTENT_ALLOWED_HOSTS</c>; the "inner service" is on
/// loopback too, unlisted. A test resolver answers for made-up public names.
/// </summary>
public sealed class UserImageFetchTests(UserImageFetchTests.Pool pool) : IClassFixture<UserImageFetchTests.Pool>
{
    private const string Model = "claude-3-7-sonnet-20250219";

    public sealed class Pool : IAsyncLifetime
    {
        public TestGateway Gateway { get; private set; } = null!;
        public FakeImageHost Images { get; private set; } = null!;
        public FakeImageHost Inner { get; private set; } = null!;
        public FakeAnthropicUpstream Anthropic { get; private set; } = null!;
        public FakeBedrockUpstream Bedrock { get; private set; } = null!;
        public FakeVertexUpstream Vertex { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Images = await FakeImageHost.StartAsync();
            Inner = await FakeImageHost.StartAsync();
            Anthropic = await FakeAnthropicUpstream.StartAsync();
            Bedrock = await FakeBedrockUpstream.StartAsync();
            Vertex = await FakeVertexUpstream.StartAsync();
            Gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?>
            {
                ["USER_CONTENT_ALLOWED_HOSTS"] = $"127.0.0.1:{Images.Port}",
                ["USER_CONTENT_MAX_IMAGE_MB"] = "8",
                ["USER_CONTENT_MAX_REQUEST_MB"] = "20",
                ["USER_CONTENT_REQUEST_TIMEOUT"] = "20",
            }, services => services.AddSingleton<IHostResolver>(new TestResolver()));
        }

        public async Task DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Images.DisposeAsync();
            await Inner.DisposeAsync();
            await Anthropic.DisposeAsync();
            await Bedrock.DisposeAsync();
            await Vertex.DisposeAsync();
        }
    }

    /// <summary>Made-up names: one that looks public but points at loopback (rebinding), one truly public.</summary>
    public sealed class TestResolver : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => host switch
        {
            "cdn.example-images.com" => Task.FromResult(new[] { IPAddress.Loopback }),
            "photos.example-images.com" => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34") }),
            "mixed.example-images.com" => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34"), IPAddress.Parse("10.1.2.3") }),
            _ => SystemHostResolver.Instance.ResolveAsync(host, cancellationToken),
        };
    }

    /// <summary>An account whose group is served by Claude on Anthropic (14), Bedrock (33) or Vertex (42).</summary>
    private async Task<(TestAccount Account, string CaseId)> ClaudeAccountAsync(int type = 14)
    {
        var account = await pool.Gateway.CreateAccountAsync();
        var group = account.Group;
        var (baseUrl, config) = type switch
        {
            33 => (pool.Bedrock.BaseUrl(group, "text"), $$"""{"region":"us-east-1","ak":"{{FakeBedrockUpstream.AccessKey}}","sk":"{{FakeBedrockUpstream.SecretKey}}"}"""),
            42 => (pool.Vertex.BaseUrl(group, "text"), new JsonObject
            {
                ["region"] = "us-east5", ["vertex_ai_project_id"] = "test-project", ["vertex_ai_adc"] = pool.Vertex.ServiceAccountJson(group),
            }.ToJsonString()),
            _ => (pool.Anthropic.BaseUrl(group, "text"), "{}"),
        };
        await pool.Gateway.CreateChannelAsync(group, Model, baseUrl, type, extra: new { config });
        return (account, group);
    }

    private IReadOnlyList<UpstreamCall> MessagesSent(int type, string caseId) => type switch
    {
        33 => pool.Bedrock.Calls(caseId),
        42 => pool.Vertex.Calls(caseId).Where(c => c.Path != "/oauth2").ToList(),
        _ => pool.Anthropic.Calls(caseId),
    };

    private static string ChatWithImages(IEnumerable<string> urls)
    {
        var content = new JsonArray { new JsonObject { ["type"] = "text", ["text"] = "What is in these pictures?" } };
        foreach (var url in urls)
        {
            content.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } });
        }
        return new JsonObject
        {
            ["model"] = Model, ["max_tokens"] = 64,
            ["messages"] = new JsonArray { new JsonObject { ["role"] = "user", ["content"] = content } },
        }.ToJsonString();
    }

    private async Task<(HttpStatusCode Status, string? Code)> ChatAsync(TestAccount account, IEnumerable<string> urls, TestGateway? gateway = null)
    {
        using var response = await (gateway ?? pool.Gateway).RelayAsync("Bearer " + account.Key, ChatWithImages(urls));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, (string?)body?["error"]?["code"]);
    }

    /// <summary>Nothing went upstream, nothing was charged, the reservation came back whole.</summary>
    private async Task AssertNothingSentOrChargedAsync(TestAccount account, TestGateway? gateway = null)
    {
        Assert.Empty(pool.Anthropic.Calls(account.Group));
        await using var db = await (gateway ?? pool.Gateway).DbAsync();
        Assert.Equal(1_000_000_000, (await db.Tokens.SingleAsync(t => t.Id == account.TokenId)).RemainQuota);
        Assert.Equal(1_000_000_000, (await db.Users.SingleAsync(u => u.Id == account.UserId)).Quota);
        Assert.False(await db.Logs.AnyAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume));
    }

    [Theory]
    [InlineData(14)]
    [InlineData(33)]
    [InlineData(42)]
    public async Task ImageOnAnAllowListedHost_IsFetchedAndSentInline(int channelType)
    {
        var (account, caseId) = await ClaudeAccountAsync(channelType);

        var (status, _) = await ChatAsync(account, [pool.Images.Url(caseId, "png"), "data:image/png;base64," + Convert.ToBase64String(FakeImageHost.Png)]);

        Assert.Equal(HttpStatusCode.OK, status);
        var sent = MessagesSent(channelType, caseId).Single().Json;
        var sources = sent["messages"]![0]!["content"]!.AsArray().Where(b => (string?)b!["type"] == "image").Select(b => b!["source"]!).ToList();
        Assert.Equal(2, sources.Count);
        Assert.All(sources, s => Assert.Equal(Convert.ToBase64String(FakeImageHost.Png), (string?)s["data"]));
    }

    [Theory]
    [InlineData("http://127.0.0.1:{inner}/{case}/png")]
    [InlineData("http://localhost:{inner}/{case}/png")]
    [InlineData("http://[::ffff:127.0.0.1]:{inner}/{case}/png")]
    [InlineData("http://[::1]:{inner}/{case}/png")]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/security-credentials/")]
    [InlineData("http://10.0.0.1/{case}/png")]
    [InlineData("http://cdn.example-images.com:{inner}/{case}/png")]
    [InlineData("http://mixed.example-images.com/{case}/png")]
    [InlineData("http://127.0.0.1:{images}/{case}/redirect?to=http%3A%2F%2F127.0.0.1%3A{inner}%2F{case}%2Fpng")]
    [InlineData("http://127.0.0.1:{images}/{case}/redirect?to=http%3A%2F%2Fcdn.example-images.com%3A{inner}%2F{case}%2Fpng")]
    [InlineData("http://127.0.0.1:{images}/{case}/redirect?to=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F")]
    public async Task ImageUrlReachingAnInnerAddress_Is400_BeforeAnythingIsFetchedSentOrBilled(string template)
    {
        var (account, caseId) = await ClaudeAccountAsync();
        var url = template.Replace("{inner}", pool.Inner.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{images}", pool.Images.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{case}", caseId, StringComparison.Ordinal);

        var (status, code) = await ChatAsync(account, [url]);

        Assert.Equal((HttpStatusCode.BadRequest, "image_url_not_allowed"), (status, code));
        Assert.Equal(0, pool.Inner.Hits(caseId));
        await AssertNothingSentOrChargedAsync(account);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(42)]
    public async Task InnerAddress_IsRefusedForBedrockAndVertexToo(int channelType)
    {
        var (account, caseId) = await ClaudeAccountAsync(channelType);

        var (status, code) = await ChatAsync(account, [pool.Images.Url(caseId, "redirect?to=" + Uri.EscapeDataString(pool.Inner.Url(caseId, "png")))]);

        Assert.Equal((HttpStatusCode.BadRequest, "image_url_not_allowed"), (status, code));
        Assert.Equal(0, pool.Inner.Hits(caseId));
        Assert.Empty(MessagesSent(channelType, caseId));
        await AssertNothingSentOrChargedAsync(account);
    }

    [Fact]
    public async Task MoreImagesThanAllowed_Is400_BeforeAnyIsFetched()
    {
        var (account, caseId) = await ClaudeAccountAsync();

        var (status, code) = await ChatAsync(account, Enumerable.Repeat(pool.Images.Url(caseId, "png"), 21));

        Assert.Equal((HttpStatusCode.BadRequest, "too_many_images"), (status, code));
        Assert.Equal(0, pool.Images.Hits(caseId));
        await AssertNothingSentOrChargedAsync(account);
    }

    /// <summary>
    /// The attack: a 1 KB request naming twelve 19 MB images. Each declares its size and is refused on its
    /// headers; at most four are asked for at a time, and the request fails at the first.
    /// </summary>
    [Fact]
    public async Task TwelveHugeImages_Is400_AndTheirBodiesAreNotRead()
    {
        var (account, caseId) = await ClaudeAccountAsync();

        var (status, code) = await ChatAsync(account, Enumerable.Repeat(pool.Images.Url(caseId, "big/19"), 12));

        Assert.Equal((HttpStatusCode.BadRequest, "image_too_large"), (status, code));
        Assert.InRange(pool.Images.Hits(caseId), 1, 4);
        // What sat in socket buffers when the gateway hung up, at most; 12 × 19 MB were asked for.
        Assert.InRange(pool.Images.BytesServed(caseId), 0, 4 * 8L * 1024 * 1024);
        await AssertNothingSentOrChargedAsync(account);
    }

    /// <summary>Images that do not say their size, each under the per-image cap, together far over the request's 20 MB.</summary>
    [Fact]
    public async Task ImagesAddingUpPastTheRequestLimit_Is400_AndReadingStopsAtTheLimit()
    {
        var (account, caseId) = await ClaudeAccountAsync();

        var (status, code) = await ChatAsync(account, Enumerable.Repeat(pool.Images.Url(caseId, "big/7?chunked=1"), 12));

        Assert.Equal((HttpStatusCode.BadRequest, "images_too_large"), (status, code));
        Assert.InRange(pool.Images.Hits(caseId), 3, 8);
        // The limit, plus what sat in socket buffers of the four fetches under way; 12 × 7 MB were offered.
        Assert.InRange(pool.Images.BytesServed(caseId), 20L * 1024 * 1024, 36L * 1024 * 1024);
        await AssertNothingSentOrChargedAsync(account);
    }

    [Fact]
    public async Task ChunkedImageOverThePerImageLimit_Is400()
    {
        var (account, caseId) = await ClaudeAccountAsync();

        var (status, code) = await ChatAsync(account, [pool.Images.Url(caseId, "big/19?chunked=1")]);

        Assert.Equal((HttpStatusCode.BadRequest, "image_too_large"), (status, code));
        Assert.InRange(pool.Images.BytesServed(caseId), 8L * 1024 * 1024, 16L * 1024 * 1024);
        await AssertNothingSentOrChargedAsync(account);
    }

    [Fact]
    public async Task InlineDataImages_CountAgainstTheLimits()
    {
        var (account, _) = await ClaudeAccountAsync();
        var nineMegabytes = "data:image/png;base64," + Convert.ToBase64String(new byte[9 * 1024 * 1024]);

        var (status, code) = await ChatAsync(account, [nineMegabytes]);

        Assert.Equal((HttpStatusCode.BadRequest, "image_too_large"), (status, code));
        await AssertNothingSentOrChargedAsync(account);
    }

    /// <summary>
    /// Through the operator's proxy (<c>USER_CONTENT_REQUEST_PROXY</c>, on loopback and trusted), a public name is
    /// fetched; a name or address that is not public is refused before the proxy is asked.
    /// </summary>
    [Fact]
    public async Task ThroughTheProxy_PublicNamesAreFetched_InnerOnesRefused()
    {
        var asked = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var proxy = await LoopbackServer.StartAsync(app => app.Use(async (HttpContext context, RequestDelegate _) =>
        {
            asked.Enqueue(context.Request.Host + context.Request.Path);
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(FakeImageHost.Png);
        }));
        await using var gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?>
        {
            ["USER_CONTENT_REQUEST_PROXY"] = proxy.BaseUrl,
        }, services => services.AddSingleton<IHostResolver>(new TestResolver()));
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, Model, pool.Anthropic.BaseUrl(account.Group, "text"), type: 14);

        var fetched = await ChatAsync(account, ["http://photos.example-images.com/cat.png"], gateway);
        var rebound = await ChatAsync(account, ["http://cdn.example-images.com/cat.png"], gateway);
        var literal = await ChatAsync(account, ["http://127.0.0.1:6379/"], gateway);

        Assert.Equal(HttpStatusCode.OK, fetched.Status);
        Assert.Equal(Convert.ToBase64String(FakeImageHost.Png),
            (string?)pool.Anthropic.Calls(account.Group).Single().Json["messages"]![0]!["content"]![1]!["source"]!["data"]);
        Assert.Equal((HttpStatusCode.BadRequest, "image_url_not_allowed"), rebound);
        Assert.Equal((HttpStatusCode.BadRequest, "image_url_not_allowed"), literal);
        Assert.Equal(["photos.example-images.com/cat.png"], asked);
    }
}
