using System.ClientModel;
using OneApi.Server.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

#pragma warning disable OPENAI001 // the SDK marks audio modalities and audio output experimental

namespace OneApi.Server.Tests.Relay;

/// <summary>
/// gpt-4o-audio through the official OpenAI .NET SDK: an audio input part and audio output relayed untouched, billed
/// with one-api's audio ratios from the usage's audio token counts.
/// </summary>
public sealed class AudioChatTests(SpecialRoutesPool pool) : IClassFixture<SpecialRoutesPool>
{
    private const string Model = "gpt-4o-audio-preview";

    /// <summary>
    /// Text tokens at the model ratio, audio at AudioRatio 16 (prompt) and 16 × AudioCompletionRatio 2 (completion):
    /// prompt 17 + 20 × 16 = 337, completion 40 + 153 × 32 = 4936; then one-api's formula with gpt-4o's completion ratio 4
    /// and the model ratio 1.25: ceil((337 + 4936 × 4) × 1.25).
    /// </summary>
    private const int WeightedPrompt = 337, WeightedCompletion = 4936;
    private const long ExpectedQuota = 25_102;

    private static readonly ChatCompletionOptions AudioOut = new()
    {
        ResponseModalities = ChatResponseModalities.Text | ChatResponseModalities.Audio,
        AudioOptions = new ChatAudioOptions(ChatOutputAudioVoice.Alloy, ChatOutputAudioFormat.Wav),
    };

    private static UserChatMessage Question() => new(
        ChatMessageContentPart.CreateTextPart("Is this a dog?"),
        ChatMessageContentPart.CreateInputAudioPart(BinaryData.FromBytes(TestAudio.Wav(1)), ChatInputAudioFormat.Wav));

    private async Task<(TestAccount Account, ChatClient Chat)> ChatAsync()
    {
        var (account, _) = await pool.AccountAsync(1, Model, group => pool.AudioChat.BaseUrl(group, "ok"));
        var client = new OpenAIClient(new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(pool.Gateway.BaseUrl + "/v1") });
        return (account, client.GetChatClient(Model));
    }

    [Fact]
    public async Task AudioInAndOut_AreRelayedUntouched_AndAudioTokensBilledAtTheAudioRatios()
    {
        var (account, chat) = await ChatAsync();

        var completion = (await chat.CompleteChatAsync([Question()], AudioOut)).Value;

        Assert.Equal(FakeAudioChatUpstream.Audio, completion.OutputAudio.AudioBytes.ToArray());
        Assert.Equal(FakeAudioChatUpstream.Transcript, completion.OutputAudio.Transcript);
        Assert.Equal(FakeAudioChatUpstream.PromptAudioTokens, completion.Usage.InputTokenDetails.AudioTokenCount);
        var sent = pool.AudioChat.Calls(account.Group).Single().Json;
        Assert.Equal("""["text","audio"]""", sent["modalities"]!.ToJsonString());
        Assert.Equal(("alloy", "wav"), ((string?)sent["audio"]!["voice"], (string?)sent["audio"]!["format"]));
        var audioPart = sent["messages"]![0]!["content"]![1]!;
        Assert.Equal(("input_audio", Convert.ToBase64String(TestAudio.Wav(1))), ((string?)audioPart["type"], (string?)audioPart["input_audio"]!["data"]));
        await AssertBilledAsync(account, isStream: false);
    }

    [Fact]
    public async Task Stream_AudioChunksArrive_AndTheFinalUsageIsBilledTheSameWay()
    {
        var (account, chat) = await ChatAsync();

        var transcript = "";
        var audio = new List<byte>();
        await foreach (var update in chat.CompleteChatStreamingAsync([Question()], AudioOut))
        {
            transcript += update.OutputAudioUpdate?.TranscriptUpdate;
            audio.AddRange(update.OutputAudioUpdate?.AudioBytesUpdate?.ToArray() ?? []);
        }

        Assert.Equal(FakeAudioChatUpstream.Transcript, transcript);
        Assert.Equal(FakeAudioChatUpstream.Audio, audio.ToArray());
        await AssertBilledAsync(account, isStream: true);
    }

    private async Task AssertBilledAsync(TestAccount account, bool isStream)
    {
        var log = Assert.Single(await pool.ConsumeLogsAsync(account));
        Assert.Equal((WeightedPrompt, WeightedCompletion, ExpectedQuota, isStream), (log.PromptTokens, log.CompletionTokens, (long)log.Quota, log.IsStream));
        Assert.Contains("audio tokens: prompt 20, completion 153, audio rate 16, audio completion rate 2", log.Content, StringComparison.Ordinal);
        Assert.Equal((ExpectedQuota, ExpectedQuota), await pool.SpentAsync(account));
    }
}
