using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Anthropic;

/// <summary>Claude's whole <c>message</c> → OpenAI's <c>chat.completion</c>.</summary>
public static class FromAnthropicAnswer
{
    public static UpstreamAnswer Convert(ReadOnlySpan<byte> body, RelayRequest request, long created)
    {
        if (JsonWire.Parse(body) is not { } message)
        {
            return new UpstreamAnswer(body.ToArray(), null, "", RelayError.UpstreamMalformed("the answer is not a JSON object"));
        }
        if (JsonWire.String(message["type"]) == "error")
        {
            return new UpstreamAnswer(body.ToArray(), null, "", AnthropicErrors.FromEvent(message));
        }
        if (message["content"] is not JsonArray content)
        {
            return new UpstreamAnswer(body.ToArray(), null, "", RelayError.UpstreamMalformed("the answer has no content"));
        }
        var format = ReasoningFormat.For(request);
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var thinkingBlocks = new JsonArray();
        var toolCalls = new JsonArray();
        foreach (var block in content.OfType<JsonObject>())
        {
            switch (JsonWire.String(block["type"]))
            {
                case "text":
                    text.Append(JsonWire.String(block["text"]));
                    break;
                case "thinking":
                    reasoning.Append(JsonWire.String(block["thinking"]));
                    thinkingBlocks.Add(block.DeepClone());
                    break;
                case "redacted_thinking":
                    thinkingBlocks.Add(block.DeepClone());
                    break;
                case "tool_use":
                    toolCalls.Add(AnthropicToolUse.ToOpenAIToolCall(block));
                    break;
            }
        }
        var reply = new JsonObject { ["role"] = "assistant", ["content"] = text.ToString(), ["refusal"] = null };
        if (reasoning.Length > 0)
        {
            reply[format.Field] = reasoning.ToString();
        }
        if (thinkingBlocks.Count > 0)
        {
            reply["thinking_blocks"] = thinkingBlocks;
        }
        if (toolCalls.Count > 0)
        {
            reply["tool_calls"] = toolCalls;
        }
        var usage = AnthropicUsage.Read(message["usage"]);
        var answer = new JsonObject
        {
            ["id"] = "chatcmpl-" + JsonWire.String(message["id"]),
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = JsonWire.String(message["model"]) ?? request.Model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = reply,
                ["logprobs"] = null,
                ["finish_reason"] = AnthropicUsage.FinishReason(JsonWire.String(message["stop_reason"])),
            }),
            ["usage"] = usage.ToOpenAI(),
        };
        return new UpstreamAnswer(JsonWire.Serialize(answer), usage.ToUsage(), text.ToString());
    }
}
