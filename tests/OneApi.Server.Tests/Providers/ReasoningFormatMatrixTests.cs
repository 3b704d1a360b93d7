using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace OneApi.Server.Tests.Providers;

/// <summary>
/// Every <c>?reasoning_format</c> × (stream, whole answer) × (Claude, DeepSeek, OpenRouter, OpenAI-compatible
/// pass-through) gives the reasoning in the requested field and in no other.
/// </summary>
public sealed class ReasoningFormatMatrixTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private static readonly string[] Fields = ["reasoning_content", "reasoning", "thinking"];

    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var provider in (string[])["claude", "deepseek", "openrouter", "openai"])
        {
            foreach (var format in Fields)
            {
                data.Add(provider, format, false);
                data.Add(provider, format, true);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Reasoning_ArrivesInTheRequestedField(string provider, string format, bool stream)
    {
        var gateway = pool.Gateway;
        var account = await gateway.CreateAccountAsync();
        var (model, type, baseUrl, expected) = provider switch
        {
            "claude" => ("claude-3-7-sonnet-20250219", 14, pool.Anthropic.BaseUrl(account.Group, "thinking"), "The user greets me; I should greet back."),
            "deepseek" => ("deepseek-reasoner", 36, pool.Reasoning.BaseUrl(account.Group, "reasoning_content"), "2 plus 2 is 4."),
            "openrouter" => ("deepseek/deepseek-r1", 20, pool.Reasoning.BaseUrl(account.Group, "reasoning"), "2 plus 2 is 4."),
            _ => ("qwq-32b", 1, pool.Reasoning.BaseUrl(account.Group, "thinking"), "2 plus 2 is 4."),
        };
        await gateway.CreateChannelAsync(account.Group, model, baseUrl, type);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/chat/completions?reasoning_format={format}")
        {
            Content = new StringContent($$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"max_tokens":2048,"messages":[{"role":"user","content":"2+2?"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + account.Key);

        using var response = await gateway.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var holders = stream
            ? text.Split("\n\n").Where(e => e.StartsWith("data: {", StringComparison.Ordinal))
                .Select(e => JsonNode.Parse(e["data: ".Length..])!["choices"]?.AsArray().FirstOrDefault()?["delta"] as JsonObject)
                .Where(d => d is not null).Select(d => d!).ToList()
            : [JsonNode.Parse(text)!["choices"]![0]!["message"]!.AsObject()];
        Assert.Equal(expected, string.Concat(holders.Select(h => (string?)h[format])));
        foreach (var other in Fields.Where(f => f != format))
        {
            Assert.DoesNotContain(holders, h => h.ContainsKey(other));
        }
        if (provider == "openrouter")
        {
            var sent = pool.Reasoning.Calls(account.Group).Single().Json;
            Assert.True((bool)sent["include_reasoning"]!);
            Assert.Equal("latency", (string?)sent["provider"]!["sort"]);
        }
    }
}
