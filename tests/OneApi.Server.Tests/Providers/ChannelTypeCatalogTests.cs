using System.Text.Json;
using OneApi.Server.Tests.Admin;

namespace OneApi.Server.Tests.Providers;

/// <summary>The console's source of channel types: the server's catalogue, not a copy of its own.</summary>
public sealed class ChannelTypeCatalogTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    [Fact]
    public async Task Types_ListEveryOneApiType_WithFormatHostAndStatus()
    {
        var types = (await pool.Gateway.Admin.GetJsonAsync("/api/channel/types")).Data().EnumerateArray().ToDictionary(t => t.GetProperty("id").GetInt32());

        Assert.Equal(Enumerable.Range(1, 51), types.Keys.Order());
        var vertex = types[42];
        Assert.Equal(["Gemini", "ClaudeMessages", "Imagen"], vertex.GetProperty("wire_formats").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("VertexAI", vertex.GetProperty("host").GetString());
        Assert.Contains("imagen-3.0-generate-002", vertex.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/openai/", types[51].GetProperty("default_base_url").GetString());
        Assert.True(types[1].GetProperty("balance").GetBoolean());
        Assert.True(types[46].GetProperty("relayed").GetBoolean());
        Assert.False(types[43].GetProperty("relayed").GetBoolean());
        Assert.Equal(JsonValueKind.String, types[33].GetProperty("key_format").ValueKind);
    }

    [Fact]
    public async Task Models_ByType_ComeFromTheCatalogue()
    {
        var byType = (await pool.Gateway.Admin.GetJsonAsync("/api/models")).Data();

        Assert.Contains("gemini-2.0-flash-thinking-exp-01-21", byType.GetProperty("24").EnumerateArray().Select(m => m.GetString()));
        Assert.Contains("black-forest-labs/flux-fill-pro", byType.GetProperty("46").EnumerateArray().Select(m => m.GetString()));
        Assert.Empty(byType.GetProperty("43").EnumerateArray());
    }
}
