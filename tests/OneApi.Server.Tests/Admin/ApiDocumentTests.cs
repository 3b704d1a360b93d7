using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>The OpenAPI document stays true: every mapped route of /api, /v1 and /dashboard is in it, and it can be browsed.</summary>
public sealed partial class ApiDocumentTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    [Fact]
    public async Task EveryMappedRoute_AppearsInTheDocument_WithItsMethods()
    {
        var gateway = await pool.GetAsync("sqlite");
        var document = JsonDocument.Parse(await gateway.Admin.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");

        var mapped = gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api", StringComparison.Ordinal) || raw.StartsWith("/v1", StringComparison.Ordinal) || raw.StartsWith("/dashboard", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: Normalize(e.RoutePattern.RawText!), Method: m.ToLowerInvariant())))
            .ToList();

        Assert.True(mapped.Count > 80, $"only {mapped.Count} routes found");
        var missing = mapped.Where(r => !paths.TryGetProperty(r.Path, out var item) || !item.TryGetProperty(r.Method, out _)).ToList();
        Assert.True(missing.Count == 0, "missing from the document: " + string.Join(", ", missing.Select(m => $"{m.Method.ToUpperInvariant()} {m.Path}")));
        Assert.Equal("One API", document.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task ManagementAnswers_AreDescribedAsTheEnvelopeWithTheirData()
    {
        var gateway = await pool.GetAsync("sqlite");
        var document = JsonDocument.Parse(await gateway.Admin.GetStringAsync("/openapi/v1.json")).RootElement;
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var token = Answer(document, "/api/token/{id}", "get");
        Assert.Equal(["success", "message", "data"], Properties(schemas, token));
        var data = schemas.GetProperty(token).GetProperty("properties").GetProperty("data");
        Assert.Contains(data.EnumerateObject(), p => p.Value.ToString().Contains("#/components/schemas/Token", StringComparison.Ordinal));
        // written as numbers and always present, so the console's generated types are exact
        var id = schemas.GetProperty("Token").GetProperty("properties").GetProperty("id");
        Assert.Equal("integer", id.GetProperty("type").GetString());
        Assert.Contains("remain_quota", schemas.GetProperty("Token").GetProperty("required").EnumerateArray().Select(r => r.GetString()));

        Assert.Equal(["success", "message", "data"], Properties(schemas, Answer(document, "/api/token/{id}", "delete")));
        Assert.Equal(["success", "message", "time", "model", "modelName"], Properties(schemas, Answer(document, "/api/channel/test/{id}", "get")));
    }

    [Fact]
    public async Task Document_IsBrowsable()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var page = await gateway.Admin.GetAsync("/swagger/index.html");
        page.EnsureSuccessStatusCode();
        Assert.Contains("swagger-ui", await page.Content.ReadAsStringAsync());
    }

    /// <summary>The schema name of a route's 200 JSON answer.</summary>
    private static string Answer(JsonElement document, string path, string method) =>
        document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!
            .Split('/')[^1];

    private static List<string> Properties(JsonElement schemas, string name) =>
        schemas.GetProperty(name).GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();

    /// <summary>The document writes <c>{id:int}</c> as <c>{id}</c>, a catch-all <c>{**rest}</c> as <c>{rest}</c>, and drops a trailing slash.</summary>
    private static string Normalize(string pattern) => Parameter().Replace(pattern, m => "{" + m.Groups[1].Value + "}").TrimEnd('/');

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex Parameter();
}
