using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors.OpenAI;

/// <summary>OpenAI-compatible types whose paths differ from OpenAI's, as one-api's per-type <c>GetRequestURL</c> has them.</summary>
public sealed class ProviderRoutesTests
{
    [Theory]
    [InlineData(27, RelayMode.ChatCompletions, "https://api.minimax.chat/v1/text/chatcompletion_v2")]
    [InlineData(40, RelayMode.ChatCompletions, "https://ark.cn-beijing.volces.com/api/v3/chat/completions")]
    [InlineData(40, RelayMode.Embeddings, "https://ark.cn-beijing.volces.com/api/v3/embeddings")]
    [InlineData(41, RelayMode.ChatCompletions, "https://api.novita.ai/v3/openai/chat/completions")]
    [InlineData(47, RelayMode.ChatCompletions, "https://qianfan.baidubce.com/v2/chat/completions")]
    [InlineData(48, RelayMode.ChatCompletions, "https://spark-api-open.xf-yun.com/v1/chat/completions")]
    [InlineData(49, RelayMode.ChatCompletions, "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions")]
    [InlineData(49, RelayMode.Embeddings, "https://dashscope.aliyuncs.com/compatible-mode/v1/embeddings")]
    [InlineData(25, RelayMode.ChatCompletions, "https://api.moonshot.cn/v1/chat/completions")]
    public void DefaultBaseUrl_PostsToTheProvidersPath(int type, RelayMode mode, string expected)
    {
        var request = Fixture.Request("""{"model":"m","input":"hi","messages":[{"role":"user","content":"hi"}]}""", mode);

        using var message = TestAdaptors.For(type, "m").Build(request, new UpstreamChannel(1, type, "k", "", ChannelConfig.Empty));

        Assert.Equal(expected, message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer k", message.Headers.Authorization!.ToString());
    }

    [Theory]
    [InlineData(25, "moonshot-v1-8k")]
    [InlineData(27, "abab6.5s-chat")]
    [InlineData(29, "llama3-8b-8192")]
    [InlineData(37, "@cf/meta/llama-3.1-8b-instruct")]
    [InlineData(40, "Doubao-pro-32k")]
    [InlineData(44, "Qwen/Qwen2-7B-Instruct")]
    [InlineData(47, "ernie-4.0-8k")]
    [InlineData(48, "4.0Ultra")]
    [InlineData(49, "qwen-max")]
    public void DefaultModels_AreOneApisList(int type, string model)
    {
        Assert.Contains(model, ChannelTypes.Find(type)!.DefaultModels);
    }
}
