using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Anthropic's Messages API on loopback, answering with the documented message and stream event shapes
/// (https://docs.anthropic.com/en/api/messages, /en/docs/build-with-claude/streaming). It checks what a real one
/// would: <c>x-api-key</c> must be the channel's key (<c>sk-upstream-{caseId}</c>) and <c>anthropic-version</c> set.
/// Scenarios: text, tools, thinking, error400, stream-error.
/// </summary>
public sealed class FakeAnthropicUpstream : FakeUpstreamHost
{
    public const string ReplyText = "Hello from Claude!";
    public const string ThinkingText = "The user greets me; I should greet back.";
    public const string Signature = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrk";
    public const int InputTokens = 20;
    public const int OutputTokens = 6;

    public static Task<FakeAnthropicUpstream> StartAsync() => StartAsync(new FakeAnthropicUpstream());

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        if (call.Header("x-api-key") != "sk-upstream-" + caseId)
        {
            await WriteJsonAsync(context.Response, 401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""");
            return;
        }
        if (call.Header("anthropic-version") is not "2023-06-01")
        {
            await WriteJsonAsync(context.Response, 400, """{"type":"error","error":{"type":"invalid_request_error","message":"anthropic-version: header is required"}}""");
            return;
        }
        await RespondAsync(context, scenario, call.Json);
    }

    /// <summary>Answers a Messages body as Claude would; shared with the Vertex and Bedrock fakes, whose bodies are the same.</summary>
    public static async Task RespondAsync(HttpContext context, string scenario, JsonObject body, bool? stream = null)
    {
        if (scenario == "error400")
        {
            await WriteJsonAsync(context.Response, 400, """{"type":"error","error":{"type":"invalid_request_error","message":"messages: field required"}}""");
            return;
        }
        var model = (string?)body["model"] ?? "claude-3-7-sonnet-20250219";
        var blocks = Blocks(scenario);
        if (stream ?? (body["stream"] is JsonValue s && (bool)s))
        {
            await WriteSseAsync(context.Response, Events(model, blocks, scenario));
            return;
        }
        await WriteJsonAsync(context.Response, 200, Message(model, blocks, scenario).ToJsonString());
    }

    public static List<JsonObject> Blocks(string scenario) => scenario switch
    {
        "tools" => [Text("Let me check."), new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_01", ["name"] = "get_weather", ["input"] = new JsonObject { ["location"] = "Paris" } }],
        "thinking" => [new JsonObject { ["type"] = "thinking", ["thinking"] = ThinkingText, ["signature"] = Signature }, Text(ReplyText)],
        _ => [Text(ReplyText)],
    };

    private static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    private static string StopReason(string scenario) => scenario == "tools" ? "tool_use" : "end_turn";

    public static JsonObject Message(string model, List<JsonObject> blocks, string scenario) => new()
    {
        ["id"] = "msg_fake01", ["type"] = "message", ["role"] = "assistant", ["model"] = model,
        ["content"] = new JsonArray(blocks.Select(b => (JsonNode)b.DeepClone()).ToArray()),
        ["stop_reason"] = StopReason(scenario), ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = InputTokens, ["output_tokens"] = OutputTokens },
    };

    /// <summary>The documented event sequence for the blocks, text and JSON split into several deltas.</summary>
    public static List<(string? Event, string Data)> Events(string model, List<JsonObject> blocks, string scenario)
    {
        var events = new List<(string?, string)>();
        void Add(JsonObject data) => events.Add(((string?)data["type"], data.ToJsonString()));
        Add(new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = "msg_fake01", ["type"] = "message", ["role"] = "assistant", ["content"] = new JsonArray(), ["model"] = model,
                ["stop_reason"] = null, ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = InputTokens, ["output_tokens"] = 1 },
            },
        });
        Add(new JsonObject { ["type"] = "ping" });
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            var type = (string)block["type"]!;
            var start = type switch
            {
                "text" => new JsonObject { ["type"] = "text", ["text"] = "" },
                "thinking" => new JsonObject { ["type"] = "thinking", ["thinking"] = "" },
                _ => new JsonObject { ["type"] = "tool_use", ["id"] = block["id"]!.DeepClone(), ["name"] = block["name"]!.DeepClone(), ["input"] = new JsonObject() },
            };
            Add(new JsonObject { ["type"] = "content_block_start", ["index"] = i, ["content_block"] = start });
            IEnumerable<JsonObject> deltas = type switch
            {
                "text" => Halves((string)block["text"]!).Select(t => new JsonObject { ["type"] = "text_delta", ["text"] = t }),
                "thinking" => Halves((string)block["thinking"]!).Select(t => new JsonObject { ["type"] = "thinking_delta", ["thinking"] = t })
                    .Append(new JsonObject { ["type"] = "signature_delta", ["signature"] = (string)block["signature"]! }),
                _ => Halves(block["input"]!.ToJsonString()).Select(t => new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = t }),
            };
            foreach (var delta in deltas)
            {
                Add(new JsonObject { ["type"] = "content_block_delta", ["index"] = i, ["delta"] = delta });
                if (scenario == "stream-error")
                {
                    Add(new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = "overloaded_error", ["message"] = "Overloaded" } });
                    return events;
                }
            }
            Add(new JsonObject { ["type"] = "content_block_stop", ["index"] = i });
        }
        Add(new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = StopReason(scenario), ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = OutputTokens },
        });
        Add(new JsonObject { ["type"] = "message_stop" });
        return events;
    }

    private static string[] Halves(string text) => text.Length < 2 ? [text] : [text[..(text.Length / 2)], text[(text.Length / 2)..]];
}
