using OneApi.Server.Tests.Infrastructure;
using OpenAI.Chat;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI .NET SDK through the gateway to a fake DeepL (type 38): translation served as chat.</summary>
public sealed class DeepLChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    [Fact]
    public async Task Chat_TranslatesTheLastMessage_AndBillsItsCharacters()
    {
        var account = await pool.AccountAsync(38, "deepl-ja", group => pool.DeepL.BaseUrl(group, "ok"));

        var result = await pool.Client(account).GetChatClient("deepl-ja").CompleteChatAsync([new UserChatMessage("Good morning")]);

        Assert.Equal(FakeDeepLUpstream.Translation, result.Value.Content[0].Text);
        var call = pool.DeepL.Calls(account.Group).Single();
        Assert.Equal(("/v2/translate", "DeepL-Auth-Key sk-upstream-" + account.Group), (call.Path, call.Header("Authorization")));
        Assert.Equal("""{"text":["Good morning"],"target_lang":"JA"}""", call.BodyText);
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal(("Good morning".Length, 0), (log.PromptTokens, log.CompletionTokens));
    }

    [Fact]
    public async Task Stream_GetsTheTranslationAsOneChunk()
    {
        var account = await pool.AccountAsync(38, "deepl-ja", group => pool.DeepL.BaseUrl(group, "ok"));

        var (text, _, finish) = await pool.Client(account).GetChatClient("deepl-ja").StreamAsync([new UserChatMessage("Good morning")]);

        Assert.Equal((FakeDeepLUpstream.Translation, ChatFinishReason.Stop), (text, finish));
        Assert.True((await pool.ConsumeLogAsync(account)).IsStream);
    }
}
