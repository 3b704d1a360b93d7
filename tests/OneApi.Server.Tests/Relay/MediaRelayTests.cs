using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;
using OpenAI;
using OpenAI.Audio;
using OpenAI.Images;

namespace OneApi.Server.Tests.Relay;

/// <summary>Images and audio through the official OpenAI .NET SDK to a fake OpenAI upstream, billed as one-api bills them.</summary>
public sealed class MediaRelayTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    internal static OpenAIClient Client(TestGateway gateway, TestAccount account) =>
        new(new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl + "/v1") });

    internal static async Task<List<Log>> ConsumeLogsAsync(TestGateway gateway, TestAccount account)
    {
        await using var db = await gateway.DbAsync();
        return await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).ToListAsync();
    }

    internal static async Task AssertChargedAsync(TestGateway gateway, TestAccount account, long quota, long userQuota = 1_000_000_000, long tokenQuota = 1_000_000_000)
    {
        await using var db = await gateway.DbAsync();
        var token = await db.Tokens.SingleAsync(t => t.Id == account.TokenId);
        var user = await db.Users.SingleAsync(u => u.Id == account.UserId);
        Assert.Equal((tokenQuota - quota, quota), (token.RemainQuota, token.UsedQuota));
        Assert.Equal((userQuota - quota, quota), (user.Quota, user.UsedQuota));
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Image_Dalle3HdTall_IsPassedThroughAndBilledPerPicture(string database)
    {
        var gateway = await pool.GetAsync(database);
        var account = await gateway.CreateAccountAsync();
        var channelId = await gateway.CreateChannelAsync(account.Group, "dall-e-3", pool.Upstream.BaseUrl(account.Group, "ok"));

        var image = await Client(gateway, account).GetImageClient("dall-e-3").GenerateImageAsync("a cat",
            new ImageGenerationOptions { Size = GeneratedImageSize.W1024xH1792, Quality = GeneratedImageQuality.High });

        Assert.Equal(new Uri("https://example.com/img-1.png"), image.Value.ImageUri);
        var sent = pool.Upstream.Requests(account.Group).Single();
        Assert.Equal("/v1/images/generations", sent.Path);
        using var json = JsonDocument.Parse(sent.Body);
        Assert.Equal(("dall-e-3", "1024x1792", "hd"), (json.RootElement.GetProperty("model").GetString(),
            json.RootElement.GetProperty("size").GetString(), json.RootElement.GetProperty("quality").GetString()));
        // dall-e-3 ratio 0.04 × 500 = 20, size 1024x1792 ×2, hd (not square) ×1.5: int(20 × 3 × 1000) × 1
        const long expected = 60_000;
        var log = Assert.Single(await ConsumeLogsAsync(gateway, account));
        Assert.Equal(("dall-e-3", expected, channelId), (log.ModelName, (long)log.Quota, log.ChannelId));
        await AssertChargedAsync(gateway, account, expected);
        await using var db = await gateway.DbAsync();
        Assert.Equal(expected, (await db.UserRequestCosts.SingleAsync(c => c.RequestId == log.RequestId)).Quota);
    }

    [Fact]
    public async Task Image_DefaultsToDalle2_AndMultipliesByN()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "dall-e-2", pool.Upstream.BaseUrl(account.Group, "ok"));

        using var response = await gateway.RelayAsync("Bearer " + account.Key, """{"prompt":"a cat","n":2,"size":"512x512"}""", "/v1/images/generations");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(pool.Upstream.Requests(account.Group).Single().Body);
        Assert.Equal("dall-e-2", json.RootElement.GetProperty("model").GetString());
        // dall-e-2 ratio 10, 512x512 ×1.125: int(10 × 1.125 × 1000) × 2
        Assert.Equal(22_500, Assert.Single(await ConsumeLogsAsync(gateway, account)).Quota);
    }

    [Theory]
    [InlineData("""{"model":"dall-e-3","prompt":"a cat","size":"512x512"}""")]
    [InlineData("""{"model":"dall-e-3","prompt":"a cat","n":2}""")]
    [InlineData("""{"model":"dall-e-2","prompt":"a cat","n":11}""")]
    [InlineData("""{"model":"dall-e-2","prompt":""}""")]
    public async Task Image_InvalidSizeOrN_Is400WithoutCallingUpstream(string body)
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "dall-e-2,dall-e-3", pool.Upstream.BaseUrl(account.Group, "ok"));

        using var response = await gateway.RelayAsync("Bearer " + account.Key, body, "/v1/images/generations");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(pool.Upstream.Requests(account.Group));
        Assert.Empty(await ConsumeLogsAsync(gateway, account));
    }

    [Fact]
    public async Task Image_UserCannotPay_Is403WithoutCallingUpstream()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync(userQuota: 19_999);
        await gateway.CreateChannelAsync(account.Group, "dall-e-3", pool.Upstream.BaseUrl(account.Group, "ok"));

        using var response = await gateway.RelayAsync("Bearer " + account.Key, """{"model":"dall-e-3","prompt":"a cat"}""", "/v1/images/generations");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("insufficient_user_quota", await response.Content.ReadAsStringAsync());
        Assert.Empty(pool.Upstream.Requests(account.Group));
    }

    [Fact]
    public async Task Image_UpstreamRefuses_SameStatusAndNoCharge()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "dall-e-3", pool.Upstream.BaseUrl(account.Group, "error429"));

        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            Client(gateway, account).GetImageClient("dall-e-3").GenerateImageAsync("a cat"));

        Assert.Equal(429, error.Status);
        Assert.Empty(await ConsumeLogsAsync(gateway, account));
        await AssertChargedAsync(gateway, account, 0);
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Speech_StreamsTheAudioBackAndBillsPerCharacter(string database)
    {
        var gateway = await pool.GetAsync(database);
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "tts-1", pool.Upstream.BaseUrl(account.Group, "ok"));

        var audio = await Client(gateway, account).GetAudioClient("tts-1").GenerateSpeechAsync("Hello world", GeneratedSpeechVoice.Alloy);

        Assert.Equal(FakeOpenAIUpstream.SpeechAudio, audio.Value.ToArray());
        Assert.Equal("audio/mpeg", audio.GetRawResponse().Headers.TryGetValue("Content-Type", out var type) ? type : null);
        using var json = JsonDocument.Parse(pool.Upstream.Requests(account.Group).Single().Body);
        Assert.Equal(("tts-1", "Hello world"), (json.RootElement.GetProperty("model").GetString(), json.RootElement.GetProperty("input").GetString()));
        // tts-1 ratio 7.5: int(11 characters × 7.5) = int(82.5), truncated as one-api does
        const long expected = 82;
        Assert.Equal(expected, Assert.Single(await ConsumeLogsAsync(gateway, account)).Quota);
        await AssertChargedAsync(gateway, account, expected);
    }

    [Fact]
    public async Task Speech_InputOver4096Characters_Is400WithoutCallingUpstream()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "tts-1", pool.Upstream.BaseUrl(account.Group, "ok"));

        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            Client(gateway, account).GetAudioClient("tts-1").GenerateSpeechAsync(new string('a', 4097), GeneratedSpeechVoice.Alloy));

        Assert.Equal(400, error.Status);
        Assert.Empty(pool.Upstream.Requests(account.Group));
        Assert.Empty(await ConsumeLogsAsync(gateway, account));
    }

    [Theory]
    [MemberData(nameof(TestGateway.Databases), MemberType = typeof(TestGateway))]
    public async Task Transcription_ForwardsTheFileAndMappedModel_AndBillsTheWavsDuration(string database)
    {
        var gateway = await pool.GetAsync(database);
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "my-whisper", pool.Upstream.BaseUrl(account.Group, "ok"),
            extra: new { model_mapping = """{"my-whisper":"whisper-1"}""" });
        var audio = TestAudio.Wav(3);

        var transcription = await Client(gateway, account).GetAudioClient("my-whisper")
            .TranscribeAudioAsync(new MemoryStream(audio), "speech.wav");

        Assert.Equal(FakeOpenAIUpstream.TranscriptText, transcription.Value.Text);
        var sent = pool.Upstream.Requests(account.Group).Single();
        Assert.Equal("/v1/audio/transcriptions", sent.Path);
        var form = await ReadFormAsync(sent);
        Assert.Equal("whisper-1", Encoding.UTF8.GetString(form["model"].Data));
        Assert.Equal("speech.wav", form["file"].FileName);
        Assert.Equal(audio, form["file"].Data);
        // 3 s × 3.333 audio tokens a second = 10 tokens, whisper-1 ratio 15
        var log = Assert.Single(await ConsumeLogsAsync(gateway, account));
        Assert.Equal(("whisper-1", 10, 150), (log.ModelName, log.PromptTokens, log.Quota));
        await AssertChargedAsync(gateway, account, 150);
    }

    [Fact]
    public async Task Translation_SrtFormatOfAnMp3_PassesThroughAndBillsTheDuration()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "whisper-1", pool.Upstream.BaseUrl(account.Group, "ok"));

        using var response = await SendAudioAsync(gateway, account, "/v1/audio/translations", await TestAudio.Mp3Async(6), "a.mp3", "srt");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("00:00:00,000 --> 00:00:02,500", await response.Content.ReadAsStringAsync());
        Assert.Equal("/v1/audio/translations", pool.Upstream.Requests(account.Group).Single().Path);
        // 6 s at 50 a second for whisper-1 (3.333 tokens × ratio 15), and a little more: the encoder pads the MP3 by some milliseconds
        Assert.InRange(Assert.Single(await ConsumeLogsAsync(gateway, account)).Quota, 300, 310);
    }

    [Theory]
    [InlineData("/v1/audio/transcriptions")]
    [InlineData("/v1/audio/translations")]
    public async Task Transcription_OfATextFile_Is400WithoutCallingUpstreamOrBilling(string path)
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "whisper-1", pool.Upstream.BaseUrl(account.Group, "ok"));

        using var response = await SendAudioAsync(gateway, account, path, Encoding.UTF8.GetBytes("just some notes, not audio\n"), "notes.mp3", "json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("invalid_audio_file", body);
        Assert.Contains("notes.mp3", body);
        Assert.Empty(pool.Upstream.Requests(account.Group));
        Assert.Empty(await ConsumeLogsAsync(gateway, account));
        await AssertChargedAsync(gateway, account, 0);
    }

    private static async Task<HttpResponseMessage> SendAudioAsync(TestGateway gateway, TestAccount account, string path, byte[] audio, string fileName,
        string responseFormat)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(audio) { Headers = { ContentType = new MediaTypeHeaderValue("audio/mpeg") } }, "file", fileName },
            { new StringContent("whisper-1"), "model" },
            { new StringContent(responseFormat), "response_format" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Key);
        var response = await gateway.Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task Transcription_WithoutFile_Is400()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "whisper-1", pool.Upstream.BaseUrl(account.Group, "ok"));
        using var form = new MultipartFormDataContent { { new StringContent("whisper-1"), "model" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/transcriptions") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Key);

        using var response = await gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(pool.Upstream.Requests(account.Group));
    }

    [Fact]
    public async Task Transcription_UpstreamError_SameStatusAndNoCharge()
    {
        var gateway = await pool.GetAsync("sqlite");
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "whisper-1", pool.Upstream.BaseUrl(account.Group, "error500"));

        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            Client(gateway, account).GetAudioClient("whisper-1").TranscribeAudioAsync(new MemoryStream(TestAudio.Wav(1)), "a.wav"));

        Assert.Equal(500, error.Status);
        Assert.Empty(await ConsumeLogsAsync(gateway, account));
        await AssertChargedAsync(gateway, account, 0);
    }

    internal static async Task<Dictionary<string, (string? FileName, byte[] Data)>> ReadFormAsync(RecordedRequest sent)
    {
        var boundary = MediaTypeHeaderValue.Parse(sent.ContentType!).Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var reader = new MultipartReader(boundary, new MemoryStream(sent.Body));
        var parts = new Dictionary<string, (string? FileName, byte[] Data)>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition!);
            using var data = new MemoryStream();
            await section.Body.CopyToAsync(data);
            parts[disposition.Name!.Trim('"')] = (disposition.FileName?.Trim('"'), data.ToArray());
        }
        return parts;
    }
}
