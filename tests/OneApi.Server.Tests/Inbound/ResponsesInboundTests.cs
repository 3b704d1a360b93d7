using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // the Responses client is marked experimental

namespace OneApi.Server.Tests.Inbound;

/// <summary>The official OpenAI .NET SDK's Responses client against <c>/v1/responses</c>: relayed to OpenAI, converted for Claude.</summary>
public sealed class ResponsesInboundTests(ClientApiPool pool) : IClassFixture<ClientApiPool>
{
    private const string Gpt = "gpt-4o-mini";
    private const string Claude = "claude-3-7-sonnet-20250219";

    private ResponsesClient Client(TestAccount account) =>
        new(new ApiKeyCredential(account.Key), new ResponsesClientOptions { Endpoint = new Uri(pool.Gateway.BaseUrl + "/v1") });

    private static CreateResponseOptions Options(string model, bool withTool = false)
    {
        var options = new CreateResponseOptions { Model = model, Instructions = "Be brief.", MaxOutputTokenCount = 300 };
        options.InputItems.Add(ResponseItem.CreateUserMessageItem("What is the weather in Paris?"));
        if (withTool)
        {
            options.Tools.Add(ResponseTool.CreateFunctionTool("get_weather",
                BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}"""),
                strictModeEnabled: false, functionDescription: "The weather at a place"));
        }
        return options;
    }

    private async Task<Log> ConsumeLogAsync(TestAccount account)
    {
        await using var db = await pool.Gateway.DbAsync();
        return await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
    }

    private static async Task<(string Text, List<FunctionCallResponseItem> Calls, ResponseResult Completed)> StreamAsync(ResponsesClient client, CreateResponseOptions options)
    {
        var text = new StringBuilder();
        var calls = new List<FunctionCallResponseItem>();
        ResponseResult? completed = null;
        options.StreamingEnabled = true;
        await foreach (var update in await client.CreateResponseStreamingAsync(options))
        {
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    text.Append(delta.Delta);
                    break;
                case StreamingResponseOutputItemDoneUpdate { Item: FunctionCallResponseItem call }:
                    calls.Add(call);
                    break;
                case StreamingResponseCompletedUpdate done:
                    completed = done.Response;
                    break;
            }
        }
        return (text.ToString(), calls, completed ?? throw new InvalidOperationException("no response.completed event"));
    }

    [Fact]
    public async Task OpenAIChannel_NonStream_PassesTheBodyThroughAndBills()
    {
        var account = await pool.AccountAsync(Gpt, 1, pool.Responses, "text");

        ResponseResult response = await Client(account).CreateResponseAsync(Options(Gpt));

        Assert.Equal(FakeResponsesUpstream.ReplyText, response.GetOutputText());
        Assert.Equal((9, 5), (response.Usage.InputTokenCount, response.Usage.OutputTokenCount));
        var sent = Assert.Single(pool.Responses.Calls(account.Group)).Json;
        Assert.Equal("Be brief.", (string?)sent["instructions"]);
        Assert.Equal(300, (int)sent["max_output_tokens"]!);
        Assert.Null(sent["messages"]);
        var log = await ConsumeLogAsync(account);
        Assert.Equal((9, 5, false), (log.PromptTokens, log.CompletionTokens, log.IsStream));
    }

    [Fact]
    public async Task AzureChannel_NonStreamAndStream_AreRelayedToItsResponsesPath_AndBilled()
    {
        const string model = "gpt-4.1-mini";
        var account = await pool.AccountAsync(model, 3, pool.Responses, "text");

        ResponseResult response = await Client(account).CreateResponseAsync(Options(model));
        var (text, _, completed) = await StreamAsync(Client(account), Options(model));

        Assert.Equal((FakeResponsesUpstream.ReplyText, FakeResponsesUpstream.ReplyText), (response.GetOutputText(), text));
        Assert.Equal(9, completed.Usage.InputTokenCount);
        var calls = pool.Responses.Calls(account.Group);
        Assert.All(calls, c => Assert.EndsWith("/openai/v1/responses?api-version=preview", c.RawTarget, StringComparison.Ordinal));
        Assert.All(calls, c => Assert.Equal(("gpt-41-mini", "Be brief."), ((string?)c.Json["model"], (string?)c.Json["instructions"])));
        await using var db = await pool.Gateway.DbAsync();
        var logs = await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).OrderBy(l => l.Id).ToListAsync();
        // gpt-4.1-mini: ratio 0.2, completion ratio 4 → ceil((9 + 5 × 4) × 0.2) = 6 for each
        Assert.Equal([(9, 5, 6, false), (9, 5, 6, true)], logs.Select(l => (l.PromptTokens, l.CompletionTokens, l.Quota, l.IsStream)));
    }

    [Fact]
    public async Task OpenAIChannel_Stream_RelaysTheEventsAndBillsFromResponseCompleted()
    {
        var account = await pool.AccountAsync(Gpt, 1, pool.Responses, "text");

        var (text, _, completed) = await StreamAsync(Client(account), Options(Gpt));

        Assert.Equal(FakeResponsesUpstream.ReplyText, text);
        Assert.Equal(9, completed.Usage.InputTokenCount);
        var log = await ConsumeLogAsync(account);
        Assert.Equal((9, 5, true), (log.PromptTokens, log.CompletionTokens, log.IsStream));
    }

    [Fact]
    public async Task OpenAIChannel_StreamedFunctionCall_ReachesTheClient()
    {
        var account = await pool.AccountAsync(Gpt, 1, pool.Responses, "tools");

        var (_, calls, _) = await StreamAsync(Client(account), Options(Gpt, withTool: true));

        var call = Assert.Single(calls);
        Assert.Equal(("get_weather", "call_1", """{"location":"Paris"}"""), (call.FunctionName, call.CallId, call.FunctionArguments.ToString()));
        Assert.Equal("get_weather", (string?)pool.Responses.Calls(account.Group).Single().Json["tools"]![0]!["name"]);
    }

    [Fact]
    public async Task ClaudeChannel_NonStream_IsConvertedBothWays()
    {
        var account = await pool.AccountAsync(Claude, 14, pool.Anthropic, "text");

        ResponseResult response = await Client(account).CreateResponseAsync(Options(Claude));

        Assert.Equal(FakeAnthropicUpstream.ReplyText, response.GetOutputText());
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.Equal((20, 6), (response.Usage.InputTokenCount, response.Usage.OutputTokenCount));
        var sent = Assert.Single(pool.Anthropic.Calls(account.Group)).Json;
        Assert.Equal("Be brief.", (string?)sent["system"]);
        Assert.Equal(300, (int)sent["max_tokens"]!);
        var log = await ConsumeLogAsync(account);
        Assert.Equal((20, 6, 75), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task ClaudeChannel_Stream_BecomesResponsesEventsWithUsage()
    {
        var account = await pool.AccountAsync(Claude, 14, pool.Anthropic, "text");

        var (text, _, completed) = await StreamAsync(Client(account), Options(Claude));

        Assert.Equal(FakeAnthropicUpstream.ReplyText, text);
        Assert.Equal(FakeAnthropicUpstream.ReplyText, completed.GetOutputText());
        Assert.Equal((20, 6), (completed.Usage.InputTokenCount, completed.Usage.OutputTokenCount));
        var log = await ConsumeLogAsync(account);
        Assert.Equal((20, 6, true), (log.PromptTokens, log.CompletionTokens, log.IsStream));
    }

    [Fact]
    public async Task ClaudeChannel_FunctionCallRoundTrip_BecomesToolUseAndToolResult()
    {
        var account = await pool.AccountAsync(Claude, 14, pool.Anthropic, "tools");
        var client = Client(account);
        var first = Options(Claude, withTool: true);

        var (_, calls, _) = await StreamAsync(client, first);

        var call = Assert.Single(calls);
        Assert.Equal(("get_weather", "toolu_01"), (call.FunctionName, call.CallId));
        Assert.Equal("Paris", (string?)JsonNode.Parse(call.FunctionArguments.ToString())!["location"]);
        var second = Options(Claude, withTool: true);
        second.InputItems.Add(ResponseItem.CreateFunctionCallItem(call.CallId, call.FunctionName, call.FunctionArguments));
        second.InputItems.Add(ResponseItem.CreateFunctionCallOutputItem(call.CallId, "Sunny, 24 °C"));
        ResponseResult answer = await client.CreateResponseAsync(second);
        Assert.Contains(answer.OutputItems, i => i is FunctionCallResponseItem);
        var messages = pool.Anthropic.Calls(account.Group)[1].Json["messages"]!.AsArray();
        var toolUse = messages[1]!["content"]!.AsArray().Single(b => (string?)b!["type"] == "tool_use")!;
        Assert.Equal(("toolu_01", "Paris"), ((string?)toolUse["id"], (string?)toolUse["input"]!["location"]));
        var toolResult = messages[2]!["content"]![0]!;
        Assert.Equal(("tool_result", "toolu_01"), ((string?)toolResult["type"], (string?)toolResult["tool_use_id"]));
    }

    [Theory]
    [InlineData("""{"previous_response_id":"resp_1"}""", "previous_response_id")]
    [InlineData("""{"store":true}""", "store")]
    public async Task ClaudeChannel_StoredConversation_IsRefusedWith400(string extra, string named)
    {
        var account = await pool.AccountAsync(Claude, 14, pool.Anthropic, "text");
        var body = JsonNode.Parse(extra)!.AsObject();
        body["model"] = Claude;
        body["input"] = "hi";

        using var response = await PostAsync(account, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Contains(named, (string?)error["message"]);
        Assert.Empty(pool.Anthropic.Calls(account.Group));
    }

    [Fact]
    public async Task FractionalMaxOutputTokens_IsRefusedBeforeAnythingIsReserved()
    {
        var account = await pool.AccountAsync(Claude, 14, pool.Anthropic, "text");

        using var response = await PostAsync(account, new JsonObject { ["model"] = Claude, ["input"] = "hi", ["max_output_tokens"] = 1.5 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("max_output_tokens", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]);
    }

    private Task<HttpResponseMessage> PostAsync(TestAccount account, JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", account.Key);
        return pool.Gateway.Http.SendAsync(request);
    }
}
