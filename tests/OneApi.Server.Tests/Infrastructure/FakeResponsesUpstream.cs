using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// OpenAI's Responses API on loopback (<c>POST /v1/responses</c>), answering with the documented response object and
/// stream events (https://platform.openai.com/docs/api-reference/responses). It checks the Bearer key is the
/// channel's (<c>sk-upstream-{caseId}</c>); as Azure OpenAI, <c>POST /openai/v1/responses?api-version=preview</c> with
/// the key in <c>api-key</c>. Scenarios: text, tools (a get_weather function call).
/// </summary>
public sealed class FakeResponsesUpstream : FakeUpstreamHost
{
    public const string ReplyText = "Hello from the Responses API!";
    public const int InputTokens = 9;
    public const int OutputTokens = 5;

    public static Task<FakeResponsesUpstream> StartAsync() => StartAsync(new FakeResponsesUpstream());

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        var key = "sk-upstream-" + caseId;
        var openAI = call.Header("authorization") == "Bearer " + key && call.Path == "/v1/responses";
        var azure = call.Header("api-key") == key && call.Path == "/openai/v1/responses" && call.RawTarget.EndsWith("?api-version=preview", StringComparison.Ordinal);
        if (!openAI && !azure)
        {
            await WriteJsonAsync(context.Response, 401, """{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""");
            return;
        }
        var body = call.Json;
        var item = scenario == "tools"
            ? new JsonObject { ["id"] = "fc_1", ["type"] = "function_call", ["status"] = "completed", ["call_id"] = "call_1", ["name"] = "get_weather", ["arguments"] = """{"location":"Paris"}""" }
            : new JsonObject
            {
                ["id"] = "msg_1", ["type"] = "message", ["status"] = "completed", ["role"] = "assistant",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = ReplyText, ["annotations"] = new JsonArray() }),
            };
        var response = Response((string?)body["model"] ?? "", "completed", new JsonArray(item));
        if (body["stream"] is JsonValue stream && (bool)stream)
        {
            await WriteSseAsync(context.Response, Events(response, item));
            return;
        }
        await WriteJsonAsync(context.Response, 200, response.ToJsonString());
    }

    private static JsonObject Response(string model, string status, JsonArray output) => new()
    {
        ["id"] = "resp_1", ["object"] = "response", ["created_at"] = 1741476542, ["status"] = status, ["error"] = null,
        ["incomplete_details"] = null, ["model"] = model, ["output"] = output, ["parallel_tool_calls"] = true, ["store"] = true,
        ["tool_choice"] = "auto", ["tools"] = new JsonArray(), ["text"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
        ["usage"] = status == "completed"
            ? new JsonObject
            {
                ["input_tokens"] = InputTokens, ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
                ["output_tokens"] = OutputTokens, ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
                ["total_tokens"] = InputTokens + OutputTokens,
            }
            : null,
    };

    private static List<(string? Event, string Data)> Events(JsonObject response, JsonObject item)
    {
        var events = new List<(string?, string)>();
        void Add(JsonObject data)
        {
            data["sequence_number"] = events.Count;
            events.Add(((string?)data["type"], data.ToJsonString()));
        }
        var started = Response((string)response["model"]!, "in_progress", []);
        Add(new JsonObject { ["type"] = "response.created", ["response"] = started.DeepClone() });
        Add(new JsonObject { ["type"] = "response.in_progress", ["response"] = started });
        var isCall = (string?)item["type"] == "function_call";
        var opened = item.DeepClone().AsObject();
        opened["status"] = "in_progress";
        if (isCall)
        {
            opened["arguments"] = "";
        }
        else
        {
            opened["content"] = new JsonArray();
        }
        Add(new JsonObject { ["type"] = "response.output_item.added", ["output_index"] = 0, ["item"] = opened });
        if (isCall)
        {
            var arguments = (string)item["arguments"]!;
            foreach (var half in new[] { arguments[..5], arguments[5..] })
            {
                Add(new JsonObject { ["type"] = "response.function_call_arguments.delta", ["item_id"] = "fc_1", ["output_index"] = 0, ["delta"] = half });
            }
            Add(new JsonObject { ["type"] = "response.function_call_arguments.done", ["item_id"] = "fc_1", ["output_index"] = 0, ["arguments"] = arguments });
        }
        else
        {
            var part = item["content"]![0]!;
            Add(new JsonObject { ["type"] = "response.content_part.added", ["item_id"] = "msg_1", ["output_index"] = 0, ["content_index"] = 0, ["part"] = new JsonObject { ["type"] = "output_text", ["text"] = "", ["annotations"] = new JsonArray() } });
            foreach (var half in new[] { ReplyText[..6], ReplyText[6..] })
            {
                Add(new JsonObject { ["type"] = "response.output_text.delta", ["item_id"] = "msg_1", ["output_index"] = 0, ["content_index"] = 0, ["delta"] = half });
            }
            Add(new JsonObject { ["type"] = "response.output_text.done", ["item_id"] = "msg_1", ["output_index"] = 0, ["content_index"] = 0, ["text"] = ReplyText });
            Add(new JsonObject { ["type"] = "response.content_part.done", ["item_id"] = "msg_1", ["output_index"] = 0, ["content_index"] = 0, ["part"] = part.DeepClone() });
        }
        Add(new JsonObject { ["type"] = "response.output_item.done", ["output_index"] = 0, ["item"] = item.DeepClone() });
        Add(new JsonObject { ["type"] = "response.completed", ["response"] = response.DeepClone() });
        return events;
    }
}
