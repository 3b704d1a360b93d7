using System.ClientModel;
using System.Text.Json;
using OneApi.Server.Tests.Infrastructure;
using OpenAI.Chat;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI .NET SDK through the gateway to a fake Ollama (type 30) speaking /api/chat and /api/embed.</summary>
public sealed class OllamaChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const int Ollama = 30;
    private const string Model = "llama3.2";

    private Task<TestAccount> AccountAsync(string scenario, string models = Model) =>
        pool.AccountAsync(Ollama, models, group => pool.Ollama.BaseUrl(group, scenario));

    [Fact]
    public async Task Chat_SystemAndTurns_GoToApiChat_AndEvalCountsAreBilled()
    {
        var account = await AccountAsync("text");

        var result = await pool.Client(account).GetChatClient(Model).CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hi"), new AssistantChatMessage("Hello."), new UserChatMessage("Again")]);

        Assert.Equal(FakeOllamaUpstream.ReplyText, result.Value.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, result.Value.FinishReason);
        var call = pool.Ollama.Calls(account.Group).Single();
        Assert.Equal("/api/chat", call.Path);
        Assert.False((bool)call.Json["stream"]!);
        Assert.Equal(["system", "user", "assistant", "user"], call.Json["messages"]!.AsArray().Select(m => (string)m!["role"]!));
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((FakeOllamaUpstream.PromptEvalCount, FakeOllamaUpstream.EvalCount, Model), (log.PromptTokens, log.CompletionTokens, log.ModelName));
        Assert.True(log.Quota > 0);
    }

    [Fact]
    public async Task Stream_JsonLinesArriveAsSseChunks_WithUsage()
    {
        var account = await AccountAsync("text");

        var (text, usage, finish) = await pool.Client(account).GetChatClient(Model).StreamAsync([new UserChatMessage("Hi")]);

        Assert.Equal(FakeOllamaUpstream.ReplyText, text);
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(FakeOllamaUpstream.EvalCount, usage?.OutputTokenCount);
        Assert.True((bool)pool.Ollama.Calls(account.Group).Single().Json["stream"]!);
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((FakeOllamaUpstream.PromptEvalCount, FakeOllamaUpstream.EvalCount, true), (log.PromptTokens, log.CompletionTokens, log.IsStream));
    }

    [Fact]
    public async Task ToolCall_ComesBackAsOpenAIToolCall()
    {
        var account = await AccountAsync("tools");
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "Current weather") } };

        var result = await pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options);

        var call = Assert.Single(result.Value.ToolCalls);
        Assert.Equal(ChatFinishReason.ToolCalls, result.Value.FinishReason);
        Assert.Equal("Paris", JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("location").GetString());
        Assert.Equal("get_weather", (string?)pool.Ollama.Calls(account.Group).Single().Json["tools"]![0]!["function"]!["name"]);
    }

    [Fact]
    public async Task Embeddings_GoToApiEmbed()
    {
        var account = await AccountAsync("text", "all-minilm");

        var result = await pool.Client(account).GetEmbeddingClient("all-minilm").GenerateEmbeddingsAsync(["a", "b"]);

        Assert.Equal(2, result.Value.Count);
        Assert.Equal([0.5f, -0.25f], result.Value[1].ToFloats().ToArray());
        Assert.Equal("/api/embed", pool.Ollama.Calls(account.Group).Single().Path);
    }

    [Fact]
    public async Task ModelNotFound_Is404WithOllamasMessage()
    {
        var account = await AccountAsync("missing");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(404, error.Status);
        Assert.Contains("try pulling it first", error.Message, StringComparison.Ordinal);
    }
}
