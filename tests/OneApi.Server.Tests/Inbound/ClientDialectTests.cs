using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Inbound;

/// <summary>Routes answered in the caller's dialect: unknown routes, Anthropic's token counting and model list.</summary>
public sealed class ClientDialectTests(ClientApiPool pool) : IClassFixture<ClientApiPool>
{
    private const string Claude = "claude-3-7-sonnet-20250219";

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? key = null, string? json = null,
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        using var response = await pool.Gateway.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task UnknownOpenAIRoute_Answers404WithOpenAIsErrorBody()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/no/such/route", json: "{}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Invalid URL (POST /v1/no/such/route)", (string?)body!["error"]!["message"]);
        Assert.Equal("invalid_request_error", (string?)body["error"]!["type"]);
    }

    [Fact]
    public async Task UnknownAnthropicRoute_Answers404WithAnthropicsErrorBody()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/messages/batches", json: "{}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("error", (string?)body!["type"]);
        Assert.Equal("not_found_error", (string?)body["error"]!["type"]);
    }

    [Fact]
    public async Task UnknownGeminiRoute_Answers404WithGooglesErrorBody()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1beta/cachedContents", json: "{}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(("NOT_FOUND", 404), ((string?)body!["error"]!["status"], (int)body["error"]!["code"]!));
    }

    [Fact]
    public async Task NotImplementedRoute_Answers501WithOneApisBody()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/files", json: "{}");

        Assert.Equal(HttpStatusCode.NotImplemented, status);
        Assert.Equal("API not implemented", (string?)body!["error"]!["message"]);
    }

    [Fact]
    public async Task CountTokens_CountsTheMessagesWithoutCallingTheChannelOrBilling()
    {
        var account = await pool.AccountAsync(Claude, 14, pool.Anthropic, "text");
        const string Short = """{"model":"claude-3-7-sonnet-20250219","messages":[{"role":"user","content":"Hello"}]}""";
        const string Long = """{"model":"claude-3-7-sonnet-20250219","system":"You are a meticulous assistant who answers in full sentences.","messages":[{"role":"user","content":"Hello there, how are you doing today?"}]}""";

        var (status, small) = await SendAsync(HttpMethod.Post, "/v1/messages/count_tokens", account.Key, Short, ("anthropic-version", "2023-06-01"));
        var (_, large) = await SendAsync(HttpMethod.Post, "/v1/messages/count_tokens", account.Key, Long, ("anthropic-version", "2023-06-01"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.InRange((int)small!["input_tokens"]!, 1, 20);
        Assert.True((int)large!["input_tokens"]! > (int)small["input_tokens"]! + 10);
        Assert.Empty(pool.Anthropic.Calls(account.Group));
    }

    [Fact]
    public async Task CountTokens_WithABadKey_AnswersInAnthropicsShape()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/messages/count_tokens", "sk-wrong", """{"model":"x","messages":[]}""");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("error", (string?)body!["type"]);
    }

    [Fact]
    public async Task ModelList_WithAnthropicVersion_HasAnthropicsShape()
    {
        var account = await pool.AccountAsync(Claude, 14, pool.Anthropic, "text");

        var (status, body) = await SendAsync(HttpMethod.Get, "/v1/models", account.Key, null, ("anthropic-version", "2023-06-01"));

        Assert.Equal(HttpStatusCode.OK, status);
        var model = Assert.Single(body!["data"]!.AsArray())!;
        Assert.Equal(("model", Claude), ((string?)model["type"], (string?)model["id"]));
        Assert.Equal((Claude, false), ((string?)body["first_id"], (bool)body["has_more"]!));
    }
}
