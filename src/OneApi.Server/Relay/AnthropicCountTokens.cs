using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Inbound.Anthropic;
using OneApi.Relay.OpenAI;
using OneApi.Relay.Tokens;

namespace OneApi.Server.Relay;

/// <summary>
/// <c>POST /v1/messages/count_tokens</c> (https://docs.anthropic.com/en/api/messages-count-tokens), which Claude Code
/// calls before it sends. Counted by the gateway with the model's tokenizer (OpenAI's for others, an estimate for
/// Claude), as it counts prompts without usage; no channel is called and nothing is billed.
/// </summary>
public static class AnthropicCountTokens
{
    public static async Task CountAsync(HttpContext context, RelayPipeline pipeline, TokenCounter counter)
    {
        ClientApis.Use(context, AnthropicClientApi.Instance);
        var (caller, body, error) = await pipeline.AdmitJsonAsync(context);
        if (caller is null || body is null)
        {
            await RelayPipeline.WriteErrorAsync(context, error!);
            return;
        }
        if (JsonWire.String(body["model"]) is not { Length: > 0 } model || body["messages"] is not JsonArray)
        {
            await RelayPipeline.WriteErrorAsync(context, RelayError.InvalidRequest("model and messages: Field required", "invalid_request_error"));
            return;
        }
        var tokens = counter.CountChatPrompt(FromAnthropicRequest.Convert(body), model);
        await context.Response.WriteAsJsonAsync(new JsonObject { ["input_tokens"] = tokens }, context.RequestAborted);
    }
}
