using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OneApi.Server.Tests.Infrastructure;
using OpenAI.Images;
using static OneApi.Server.Tests.Relay.MediaRelayTests;

namespace OneApi.Server.Tests.Relay;

/// <summary>Image edits and variations: the multipart form goes upstream as sent, validated and billed per picture like generations.</summary>
public sealed class ImageEditRelayTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Edit_ThroughTheSdk_RelaysImageAndPrompt_AndBillsPerPicture(string database)
    {
        var gateway = await pool.GetAsync(database);
        var account = await gateway.CreateAccountAsync();
        var channelId = await gateway.CreateChannelAsync(account.Group, "dall-e-2", pool.Upstream.BaseUrl(account.Group, "ok"));

        var image = await Client(gateway, account).GetImageClient("dall-e-2").GenerateImageEditAsync(new MemoryStream(Png), "cat.png",
            "add a hat", new ImageEditOptions { Size = GeneratedImageSize.W512xH512 });

        Assert.Equal(new Uri("https://example.com/img-1.png"), image.Value.ImageUri);
        var sent = pool.Upstream.Requests(account.Group).Single();
        Assert.Equal("/v1/images/edits", sent.Path);
        var form = await ReadFormAsync(sent);
        Assert.Equal("cat.png", form["image"].FileName);
        Assert.Equal(Png, form["image"].Data);
        Assert.Equal(("dall-e-2", "add a hat", "512x512"), (Field(form, "model"), Field(form, "prompt"), Field(form, "size")));
        // dall-e-2 ratio 10, 512x512 ×1.125: int(10 × 1.125 × 1000) × 1
        var log = Assert.Single(await ConsumeLogsAsync(gateway, account));
        Assert.Equal(("dall-e-2", 11_250, channelId), (log.ModelName, log.Quota, log.ChannelId));
        await AssertChargedAsync(gateway, account, 11_250);
    }

    [Fact]
    public async Task Variation_ThroughTheSdk_NeedsNoPrompt_AndMultipliesByN()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "dall-e-2", pool.Upstream.BaseUrl(account.Group, "ok"));

        var images = await Client(gateway, account).GetImageClient("dall-e-2").GenerateImageVariationsAsync(new MemoryStream(Png), "cat.png", 3,
            new ImageVariationOptions { Size = GeneratedImageSize.W256xH256 });

        Assert.NotEmpty(images.Value);
        var sent = pool.Upstream.Requests(account.Group).Single();
        Assert.Equal("/v1/images/variations", sent.Path);
        Assert.Equal("3", Field(await ReadFormAsync(sent), "n"));
        // dall-e-2 ratio 10, 256x256 ×1: int(10 × 1000) × 3
        Assert.Equal(30_000, Assert.Single(await ConsumeLogsAsync(gateway, account)).Quota);
        await AssertChargedAsync(gateway, account, 30_000);
    }

    [Fact]
    public async Task Edit_WithoutModel_GoesUpstreamAsTheChannelsMappedDefault()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "dall-e-2", pool.Upstream.BaseUrl(account.Group, "ok"),
            extra: new { model_mapping = """{"dall-e-2":"my-dalle"}""" });

        using var response = await SendFormAsync(gateway, account, "/v1/images/edits", ("prompt", "add a hat"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("my-dalle", Field(await ReadFormAsync(pool.Upstream.Requests(account.Group).Single()), "model"));
    }

    [Theory]
    [InlineData("/v1/images/edits", "prompt", "")]
    [InlineData("/v1/images/edits", "size", "640x480")]
    [InlineData("/v1/images/variations", "n", "11")]
    [InlineData("/v1/images/variations", "n", "two")]
    public async Task InvalidForm_Is400WithoutCallingUpstreamOrBilling(string path, string field, string value)
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "dall-e-2", pool.Upstream.BaseUrl(account.Group, "ok"));

        using var response = await SendFormAsync(gateway, account, path, ("model", "dall-e-2"), ("prompt", "a cat"), (field, value));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(pool.Upstream.Requests(account.Group));
        Assert.Empty(await ConsumeLogsAsync(gateway, account));
    }

    [Fact]
    public async Task Edit_WithoutImage_Is400()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "dall-e-2", pool.Upstream.BaseUrl(account.Group, "ok"));
        using var form = new MultipartFormDataContent { { new StringContent("a cat"), "prompt" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/images/edits") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Key);

        using var response = await gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("image is required", await response.Content.ReadAsStringAsync());
        Assert.Empty(pool.Upstream.Requests(account.Group));
    }

    [Fact]
    public async Task Edit_UserCannotPay_Is403WithoutCallingUpstream()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync(userQuota: 12_499);
        await gateway.CreateChannelAsync(account.Group, "dall-e-2", pool.Upstream.BaseUrl(account.Group, "ok"));

        using var response = await SendFormAsync(gateway, account, "/v1/images/edits", ("prompt", "a cat"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(pool.Upstream.Requests(account.Group));
    }

    private static string Field(Dictionary<string, (string? FileName, byte[] Data)> form, string name) => Encoding.UTF8.GetString(form[name].Data);

    /// <summary>A form with a PNG as <c>image</c>; a later field replaces an earlier one of the same name, so a test can override one.</summary>
    private static async Task<HttpResponseMessage> SendFormAsync(TestGateway gateway, TestAccount account, string path, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(Png) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "image", "cat.png" } };
        foreach (var (name, value) in fields.GroupBy(f => f.Name).Select(g => g.Last()))
        {
            form.Add(new StringContent(value), name);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Key);
        return await gateway.Http.SendAsync(request);
    }
}
