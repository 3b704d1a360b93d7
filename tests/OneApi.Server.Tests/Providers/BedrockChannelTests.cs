using System.ClientModel;
using System.Text;
using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI and Anthropic SDKs through the gateway to a fake Bedrock that checks every signature (channel type 33).</summary>
public sealed class BedrockChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Model = "claude-3-7-sonnet-20250219";

    private async Task<TestAccount> AccountAsync(string scenario, string secret = FakeBedrockUpstream.SecretKey)
    {
        var account = await pool.Gateway.CreateAccountAsync();
        await pool.Gateway.CreateChannelAsync(account.Group, Model, pool.Bedrock.BaseUrl(account.Group, scenario), type: 33,
            extra: new { config = $$"""{"region":"us-east-1","ak":"{{FakeBedrockUpstream.AccessKey}}","sk":"{{secret}}"}""" });
        return account;
    }

    private ChatClient Chat(TestAccount account) =>
        new(Model, new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(pool.Gateway.BaseUrl + "/v1") });

    [Fact]
    public async Task NonStream_IsSignedAndInvokesTheCrossRegionProfile()
    {
        var account = await AccountAsync("text");

        var result = await Chat(account).CompleteChatAsync([new UserChatMessage("Hello")]);

        Assert.Equal(FakeAnthropicUpstream.ReplyText, result.Value.Content[0].Text);
        var call = Assert.Single(pool.Bedrock.Calls(account.Group));
        Assert.Equal("/model/us.anthropic.claude-3-7-sonnet-20250219-v1%3A0/invoke", call.RawTarget[call.RawTarget.IndexOf("/model/", StringComparison.Ordinal)..]);
        await using var db = await pool.Gateway.DbAsync();
        var log = await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
        Assert.Equal((20, 6, 75), (log.PromptTokens, log.CompletionTokens, log.Quota));
    }

    [Fact]
    public async Task Stream_DecodesTheEventStream()
    {
        var account = await AccountAsync("tools");
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather") } };

        var arguments = new StringBuilder();
        string? name = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in Chat(account).CompleteChatStreamingAsync([new UserChatMessage("Weather?")], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
            usage = update.Usage ?? usage;
        }

        Assert.Equal("get_weather", name);
        Assert.Equal("""{"location":"Paris"}""", arguments.ToString());
        Assert.Equal(6, usage?.OutputTokenCount);
        Assert.EndsWith("/invoke-with-response-stream", pool.Bedrock.Calls(account.Group).Single().Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongSecret_Is403FromBedrock()
    {
        var account = await AccountAsync("text", secret: "not-the-secret");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat(account).CompleteChatAsync([new UserChatMessage("Hello")]));

        Assert.Equal(403, error.Status);
        Assert.Contains("signature we calculated does not match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnthropicSdk_MessagesPassThroughToBedrock()
    {
        var account = await AccountAsync("thinking");
        var client = new AnthropicClient(new ClientOptions { ApiKey = account.Key, BaseUrl = pool.Gateway.BaseUrl, MaxRetries = 0 });

        var thinking = new StringBuilder();
        var text = new StringBuilder();
        await foreach (var evt in client.Messages.CreateStreaming(new MessageCreateParams { Model = Model, MaxTokens = 2000, Messages = [new UserMessageParam("Hi")] }))
        {
            if (evt.TryPickContentBlockDelta(out var delta))
            {
                if (delta!.Delta.TryPickThinking(out var t))
                {
                    thinking.Append(t!.Thinking);
                }
                else if (delta.Delta.TryPickText(out var x))
                {
                    text.Append(x!.Text);
                }
            }
        }

        Assert.Equal(FakeAnthropicUpstream.ThinkingText, thinking.ToString());
        Assert.Equal(FakeAnthropicUpstream.ReplyText, text.ToString());
        var sent = pool.Bedrock.Calls(account.Group).Single().Json;
        Assert.Equal(2000, (int)sent["max_tokens"]!);
    }
}
