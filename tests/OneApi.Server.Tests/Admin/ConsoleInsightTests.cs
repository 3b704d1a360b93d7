using System.Text.Json;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>Routes the console adds beside one-api's: the channel-type catalogue, the public price list, channel health.</summary>
public sealed class ConsoleInsightTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    [Fact]
    public async Task ChannelTypes_ListEachTypeWithItsNameAndDefaultBaseUrl()
    {
        var gateway = await pool.GetAsync("sqlite");
        var types = (await gateway.Admin.GetJsonAsync("/api/channel/types")).Data().EnumerateArray()
            .ToDictionary(t => t.GetProperty("id").GetInt32(), t => (t.GetProperty("name").GetString(), t.GetProperty("default_base_url").GetString()));

        Assert.Equal(("OpenAI", "https://api.openai.com"), types[1]);
        Assert.Equal(("Azure", ""), types[3]);
        Assert.Equal(("DeepSeek", "https://api.deepseek.com"), types[36]);
        Assert.DoesNotContain(0, types.Keys);
    }

    [Fact]
    public async Task ChannelTypes_DescribeEachTypesFormFields()
    {
        var gateway = await pool.GetAsync("sqlite");
        var types = (await gateway.Admin.GetJsonAsync("/api/channel/types")).Data().EnumerateArray().ToDictionary(t => t.GetProperty("id").GetInt32());
        static List<string> Fields(JsonElement type) =>
            type.GetProperty("fields").EnumerateArray().Select(f => $"{f.GetProperty("store").GetString()}:{f.GetProperty("name").GetString()}"
                + (f.GetProperty("required").GetBoolean() ? "!" : "") + (f.GetProperty("secret").GetBoolean() ? "*" : "")).ToList();

        Assert.Equal(["config:api_version"], Fields(types[3]));
        Assert.Equal(["config:region", "config:ak*", "config:sk*"], Fields(types[33]));
        Assert.True(types[33].GetProperty("key_optional").GetBoolean());
        Assert.True(types[42].GetProperty("regional_url").GetBoolean());
        Assert.False(types[3].GetProperty("regional_url").GetBoolean());
        Assert.Equal(["config:user_id!"], Fields(types[37]));
        Assert.Equal(["config:region", "config:vertex_ai_project_id", "config:vertex_ai_adc*"], Fields(types[42]));
        Assert.Equal(["other:plugin"], Fields(types[17]));
        Assert.Equal("APPID|APISecret|APIKey", types[18].GetProperty("key_format").GetString());
        Assert.Empty(Fields(types[1]));
        Assert.False(types[1].GetProperty("key_optional").GetBoolean());
    }

    [Fact]
    public async Task Pricing_IsPublicAndListsTheServedModelsWithTheirRatios()
    {
        await using var gateway = await TestGateway.StartAsync("sqlite");
        await gateway.CreateChannelAsync("default", "gpt-4o-mini,house-model", pool.Upstream.BaseUrl("pricing", "ok"));
        await gateway.SetOptionAsync("ModelRatio", """{"gpt-4o-mini":0.075,"house-model":3}""");
        await gateway.SetOptionAsync("CompletionRatio", """{"house-model":2}""");

        var pricing = (await gateway.Http.GetJsonAsync("/api/pricing")).Data();
        var models = pricing.GetProperty("models").EnumerateArray()
            .Select(m => (m.GetProperty("model").GetString(), m.GetProperty("model_ratio").GetDouble(), m.GetProperty("completion_ratio").GetDouble()))
            .ToList();
        Assert.Equal([("gpt-4o-mini", 0.075, 4), ("house-model", 3, 2)], models);
        Assert.Equal(1, pricing.GetProperty("group_ratios").GetProperty("default").GetDouble());
    }

    [Fact]
    public async Task ChannelStatus_CountsRecentOutcomesAndTheDaysLatency()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        var channelId = await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));
        await gateway.ChatAsync(account.Key);
        await gateway.ChatAsync(account.Key);
        await gateway.Admin.PutJsonAsync("/api/channel/", new { id = channelId, base_url = pool.Upstream.BaseUrl(account.Group, "error500") });
        using (var failed = await gateway.RelayAsync(account.Key, TestGateway.ChatRequest()))
        {
            Assert.False(failed.IsSuccessStatusCode);
        }

        var health = (await gateway.Admin.GetJsonAsync("/api/channel/status")).Data().EnumerateArray()
            .Single(c => c.GetProperty("id").GetInt32() == channelId);
        Assert.Equal((3, 2, 2), (health.GetProperty("recent_calls").GetInt32(), health.GetProperty("recent_successes").GetInt32(),
            health.GetProperty("requests_24h").GetInt32()));
        Assert.True(health.GetProperty("average_latency_ms_24h").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.String, health.GetProperty("name").ValueKind);
    }
}
