using System.Net;
using OneApi.Server.Tests.Admin;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Security;

/// <summary>The map of every route is for admins; <c>OPENAPI_PUBLIC</c> opens it on purpose.</summary>
public sealed class ApiDocumentAccessTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/swagger/index.html")]
    public async Task AStranger_GetsNeitherTheDocumentNorItsBrowser(string path)
    {
        var gateway = await pool.GetAsync("sqlite");

        using var response = await gateway.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("/api/channel", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/swagger/index.html")]
    public async Task ACommonUser_IsRefused(string path)
    {
        var gateway = await pool.GetAsync("sqlite");
        using var member = await gateway.MemberAsync();

        var text = await member.Client.GetStringAsync(path);

        Assert.Contains("insufficient permissions", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/channel", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminWithASessionCookie_ReadsTheDocument()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var admin = await gateway.MemberAsync(OneApi.Data.Entities.UserRole.Admin);
        using var browser = gateway.WithCookie(await gateway.SessionCookieAsync(admin.Username, ApiClient.Password));

        Assert.Contains("/api/channel", await browser.GetStringAsync("/openapi/v1.json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiPublic_ServesItToAnyone()
    {
        await using var gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?> { ["OPENAPI_PUBLIC"] = "true" });

        Assert.Contains("/api/channel", await gateway.Http.GetStringAsync("/openapi/v1.json"), StringComparison.Ordinal);
        using var page = await gateway.Http.GetAsync("/swagger/index.html");
        page.EnsureSuccessStatusCode();
    }
}
