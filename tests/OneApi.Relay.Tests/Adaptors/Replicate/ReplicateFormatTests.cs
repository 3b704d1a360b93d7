using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors;
using OneApi.Relay.Adaptors.Replicate;
using OneApi.Relay.Tests.Images;

namespace OneApi.Relay.Tests.Adaptors.Replicate;

/// <summary>Replicate's predictions (https://replicate.com/docs/reference/http) as OpenAI chat, images and image edits.</summary>
public sealed class ReplicateFormatTests
{
    private const int Replicate = 46;
    private const string Llama = "meta/meta-llama-3-70b-instruct";
    private const string Flux = "black-forest-labs/flux-schnell";

    private static readonly UpstreamChannel Channel = new(1, Replicate, "r8_key", "", ChannelConfig.Empty);

    private static HostedAdaptor Adaptor(string model = Llama) => (HostedAdaptor)TestAdaptors.For(Replicate, model);

    private static RelayRequest Chat(bool stream = false) => Fixture.Request($$"""
        {"model":"{{Llama}}","stream":{{(stream ? "true" : "false")}},"temperature":0.2,"stop":["END","STOP"],"messages":[
          {"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."},
          {"role":"user","content":[{"type":"text","text":"Tallest penguin?"}]}]}
        """);

    private static HttpResponseMessage Answer(string fixture, HttpRequestMessage? created = null, HttpStatusCode status = HttpStatusCode.Created) =>
        new(status) { Content = new ByteArrayContent(Fixture.Bytes(fixture)), RequestMessage = created };

    [Fact]
    public void Chat_CreatesAPredictionOfTheModel_WithATranscriptAndPreferWait()
    {
        using var message = Adaptor().Build(Chat(), Channel);

        Assert.Equal("https://api.replicate.com/v1/models/meta/meta-llama-3-70b-instruct/predictions", message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer r8_key", message.Headers.Authorization!.ToString());
        Assert.Equal("wait", message.Headers.GetValues("Prefer").Single());
        Assert.Equal("""
            {"input":{"prompt":"user: Hi\nassistant: Hello.\nuser: Tallest penguin?\n","max_tokens":500,"system_prompt":"Be brief.","temperature":0.2,"stop_sequences":"END,STOP"},"stream":false}
            """, Fixture.BodyOf(message).ToJsonString());
    }

    [Fact]
    public void Stream_AsksForAStream_WithoutWaitingForTheEnd()
    {
        using var message = Adaptor().Build(Chat(stream: true), Channel);

        Assert.True((bool)Fixture.BodyOf(message)["stream"]!);
        Assert.False(message.Headers.Contains("Prefer"));
    }

    [Theory]
    [InlineData("", "https://api.replicate.com/v1/models/")]
    [InlineData("https://api.replicate.com/v1/models/", "https://api.replicate.com/v1/models/")]
    [InlineData("http://10.0.0.5:8080/replicate/", "http://10.0.0.5:8080/replicate/v1/models/")]
    public void BaseUrl_IsHonoured_OneApisDefaultIncluded(string baseUrl, string expectedPrefix)
    {
        using var message = Adaptor().Build(Chat(), Channel with { BaseUrl = baseUrl });

        Assert.Equal(expectedPrefix + Llama + "/predictions", message.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public async Task NonStream_PollsUrlsGetUntilSucceeded_ThenAChatCompletionBilledByMetrics()
    {
        using var created = Adaptor().Build(Chat(), Channel);
        var upstream = new ScriptedSend(Answer("replicate/chat_processing.json", status: HttpStatusCode.OK), Answer("replicate/chat_succeeded.json", status: HttpStatusCode.OK));

        var reply = await Adaptor().FollowAsync(Answer("replicate/chat_starting.json", created), upstream.SendAsync, CancellationToken.None);
        var answer = await Adaptor().ReadAnswerAsync(reply.Response!, Chat(), CancellationToken.None);

        Assert.Equal(["GET https://api.replicate.com/v1/predictions/ufawqhfynnddngldkgtslldrkq Bearer r8_key", "GET https://api.replicate.com/v1/predictions/ufawqhfynnddngldkgtslldrkq Bearer r8_key"],
            upstream.Sent);
        var json = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal("The tallest penguin is the emperor penguin.", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Equal("chatcmpl-ufawqhfynnddngldkgtslldrkq", (string?)json["id"]);
        Assert.Equal(Usage.Of(14, 7), answer.Usage);
    }

    [Fact]
    public async Task PredictionThatEndedWhileCreated_IsTheAnswer_WithoutPolling()
    {
        using var created = Adaptor().Build(Chat(), Channel);
        var upstream = new ScriptedSend();

        var reply = await Adaptor().FollowAsync(Answer("replicate/chat_succeeded.json", created), upstream.SendAsync, CancellationToken.None);

        Assert.Empty(upstream.Sent);
        Assert.Equal(Usage.Of(14, 7), (await Adaptor().ReadAnswerAsync(reply.Response!, Chat(), CancellationToken.None)).Usage);
    }

    [Fact]
    public async Task CreateAnswerThatIsNoPrediction_IsMalformed()
    {
        using var created = Adaptor().Build(Chat(), Channel);
        var notJson = new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent("<html>502</html>"), RequestMessage = created };

        var reply = await Adaptor().FollowAsync(notJson, new ScriptedSend().SendAsync, CancellationToken.None);

        Assert.Equal((RelayErrorKind.UpstreamMalformed, 502), (reply.Error!.Kind, reply.Error.StatusCode));
    }

    [Theory]
    [InlineData("replicate/image_failed.json", "prediction_failed", "the prediction failed: NSFW content detected. Try running it again, or try a different prompt.")]
    [InlineData("replicate/image_canceled.json", "prediction_canceled", "the prediction was canceled")]
    public async Task PredictionThatEndsBadly_IsAnError(string fixture, string code, string message)
    {
        using var created = await BuildImageAsync("""{"model":"black-forest-labs/flux-1.1-pro","prompt":"a lighthouse"}""");
        var upstream = new ScriptedSend(Answer(fixture, status: HttpStatusCode.OK));

        var reply = await Adaptor().FollowAsync(Answer("replicate/chat_starting.json", created), upstream.SendAsync, CancellationToken.None);

        Assert.Null(reply.Response);
        Assert.Equal((500, code, message), (reply.Error!.StatusCode, reply.Error.Code, reply.Error.Message));
    }

    [Fact]
    public async Task PollTimeout_CancelsThePrediction_AndIs504()
    {
        var host = new ReplicateHost(TimeProvider.System, TimeSpan.Zero);
        var adaptor = HostedAdaptor.Create(new ReplicateFormat(), host);
        using var created = adaptor.Build(Chat(), Channel);
        var upstream = new ScriptedSend(Answer("replicate/chat_processing.json", status: HttpStatusCode.OK));

        var reply = await adaptor.FollowAsync(Answer("replicate/chat_starting.json", created), upstream.SendAsync, CancellationToken.None);

        Assert.Equal((504, RelayErrorKind.UpstreamTimeout), (reply.Error!.StatusCode, reply.Error.Kind));
        Assert.Equal(["POST https://api.replicate.com/v1/predictions/ufawqhfynnddngldkgtslldrkq/cancel Bearer r8_key"], upstream.Sent);
    }

    [Fact]
    public async Task ClientLeavingWhilePolling_CancelsThePrediction()
    {
        using var created = Adaptor().Build(Chat(), Channel);
        using var clientLeft = new CancellationTokenSource();
        var upstream = new ScriptedSend(Answer("replicate/chat_processing.json", status: HttpStatusCode.OK)) { OnSend = clientLeft.Cancel };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Adaptor().FollowAsync(Answer("replicate/chat_starting.json", created), upstream.SendAsync, clientLeft.Token));

        Assert.Equal("POST https://api.replicate.com/v1/predictions/ufawqhfynnddngldkgtslldrkq/cancel Bearer r8_key", upstream.Sent[^1]);
    }

    [Fact]
    public async Task PollRefused_IsHandedBackToBeReadAsTheError()
    {
        using var created = Adaptor().Build(Chat(), Channel);
        var upstream = new ScriptedSend(Answer("replicate/error_401.json", status: HttpStatusCode.Unauthorized));

        var reply = await Adaptor().FollowAsync(Answer("replicate/chat_starting.json", created), upstream.SendAsync, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Response!.StatusCode);
    }

    [Fact]
    public async Task Stream_OpensTheStreamUrl_AskingForSse()
    {
        using var created = Adaptor().Build(Chat(stream: true), Channel);
        var upstream = new ScriptedSend(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes("replicate/stream.sse")) });

        var reply = await Adaptor().FollowAsync(Answer("replicate/chat_starting.json", created), upstream.SendAsync, CancellationToken.None);

        Assert.NotNull(reply.Response);
        Assert.Equal(["GET https://stream.replicate.com/v1/files/bcwr-3okdfv3o2wehstv5f2okyftwxy57hhypqsi6osiim5iaq5k7u24a Bearer r8_key"], upstream.Sent);
        Assert.Equal("text/event-stream", upstream.Requests[0].Headers.Accept.Single().MediaType);
    }

    [Fact]
    public async Task Stream_AfterDone_ReadsTheEndedPrediction_ItsMetricsAreTheUsage()
    {
        using var created = Adaptor().Build(Chat(stream: true), Channel);
        var upstream = new ScriptedSend(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes("replicate/stream.sse")) },
            Answer("replicate/chat_processing.json", status: HttpStatusCode.OK), Answer("replicate/chat_succeeded.json", status: HttpStatusCode.OK));
        using var reply = (await Adaptor().FollowAsync(Answer("replicate/chat_starting.json", created), upstream.SendAsync, CancellationToken.None)).Response!;

        var frames = new List<StreamFrame>();
        await foreach (var frame in Adaptor().ReadStreamAsync(await reply.Content.ReadAsStreamAsync(), Chat(stream: true), CancellationToken.None))
        {
            frames.Add(frame);
        }

        Assert.Equal(3, upstream.Sent.Count);
        Assert.Equal("The tallest penguin\nis the emperor.", string.Concat(frames.Select(f => f.Text)));
        Assert.Equal(Usage.Of(14, 7), frames[^1].Usage);
        Assert.Equal("stop", (string?)JsonNode.Parse(frames[^1].Data.Span)!["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task StreamEvents_OutputsBecomeChunks_DoneFinishes()
    {
        var frames = await Adaptor().FramesAsync("replicate/stream.sse", Chat(stream: true));

        Assert.Equal("The tallest penguin\nis the emperor.", string.Concat(frames.Select(f => f.Text)));
        var chunks = frames.Select(f => JsonNode.Parse(f.Data.Span)!).ToList();
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("stop", (string?)chunks[^1]["choices"]![0]!["finish_reason"]);
        Assert.All(frames, f => Assert.Null(f.Error));
    }

    [Theory]
    [InlineData("replicate/stream_error.sse", "The tallest", "the prediction failed: CUDA out of memory")]
    [InlineData("replicate/stream_canceled.sse", "The", "the prediction was canceled")]
    public async Task StreamThatEndsBadly_EndsWithAnError(string fixture, string text, string message)
    {
        var frames = await Adaptor().FramesAsync(fixture, Chat(stream: true));

        Assert.Equal(text, string.Concat(frames.Select(f => f.Text)));
        Assert.Equal(message, frames[^1].Error!.Message);
    }

    [Fact]
    public async Task TruncatedStream_KeepsTheTextWithoutAFinish()
    {
        var frames = await Adaptor().FramesAsync("replicate/stream_truncated.sse", Chat(stream: true));

        Assert.Equal("The tallest", frames.Single().Text);
        Assert.Null((string?)JsonNode.Parse(frames.Single().Data.Span)!["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task ImageGeneration_ThePromptAndTheSizesAspectRatio_AsPng()
    {
        using var message = await BuildImageAsync($$"""{"model":"{{Flux}}","prompt":"a red fox in snow","size":"1792x1024","n":1}""");

        Assert.Equal("https://api.replicate.com/v1/models/black-forest-labs/flux-schnell/predictions", message.RequestUri!.AbsoluteUri);
        Assert.Equal("""{"input":{"prompt":"a red fox in snow","output_format":"png","aspect_ratio":"16:9"}}""", Fixture.BodyOf(message).ToJsonString());
    }

    [Fact]
    public async Task ImageGeneration_OfSeveralPictures_IsRefused()
    {
        var error = await Assert.ThrowsAsync<RelayErrorException>(() => BuildImageAsync($$"""{"model":"{{Flux}}","prompt":"a fox","n":2}"""));

        Assert.Equal((400, "n"), (error.Error.StatusCode, error.Error.Param));
    }

    [Fact]
    public async Task ImageAnswer_AsUrls_PassesTheFileUrls()
    {
        using var created = await BuildImageAsync($$"""{"model":"{{Flux}}","prompt":"a red fox in snow"}""");
        var reply = await Adaptor(Flux).FollowAsync(Answer("replicate/image_succeeded.json", created), new ScriptedSend().SendAsync, CancellationToken.None);

        var answer = await Adaptor(Flux).ReadMediaAnswerAsync(reply.Response!, RelayMode.ImagesGenerations, CancellationToken.None);

        var image = JsonNode.Parse(answer!.Body.Span)!["data"]![0]!;
        Assert.Equal("https://replicate.delivery/xezq/Iz6nBzfe0I3eyUi7mj6eJyJtDUOA0qRnmO4NbZTKNrqgiz8TA/out-0.png", (string?)image["url"]);
    }

    [Fact]
    public async Task ImageAnswer_AsB64Json_FetchesTheFileWithoutTheKey()
    {
        using var created = await BuildImageAsync($$"""{"model":"{{Flux}}","prompt":"a red fox in snow","response_format":"b64_json"}""");
        var picture = new ByteArrayContent([1, 2, 3]) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };
        var upstream = new ScriptedSend(new HttpResponseMessage(HttpStatusCode.OK) { Content = picture });
        var reply = await Adaptor(Flux).FollowAsync(Answer("replicate/image_succeeded.json", created), upstream.SendAsync, CancellationToken.None);

        var answer = await Adaptor(Flux).ReadMediaAnswerAsync(reply.Response!, RelayMode.ImagesGenerations, CancellationToken.None);

        Assert.Equal(["GET https://replicate.delivery/xezq/Iz6nBzfe0I3eyUi7mj6eJyJtDUOA0qRnmO4NbZTKNrqgiz8TA/out-0.png "], upstream.Sent);
        Assert.Equal("AQID", (string?)JsonNode.Parse(answer!.Body.Span)!["data"]![0]!["b64_json"]);
    }

    [Fact]
    public async Task Edit_SendsThePictureAndTheMaskTurnedBlackAndWhite()
    {
        var image = Fixture.Bytes("replicate/mask_palette.png");
        using var form = EditForm(image, Fixture.Bytes("replicate/mask_rgba.png"));

        var input = await EditInputAsync(form);

        Assert.Equal("make it snow", (string?)input["prompt"]);
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(image), (string?)input["image"]);
        var mask = Convert.FromBase64String(((string)input["mask"]!)["data:image/png;base64,".Length..]);
        Assert.Equal(PngTests.Expected(4, 5, x => x < 2), PngTests.GreyPixels(mask));
    }

    [Fact]
    public async Task Edit_WithoutAMask_TakesThePicturesOwnTransparency()
    {
        using var form = EditForm(Fixture.Bytes("replicate/mask_grey_alpha16.png"), mask: null);

        var input = await EditInputAsync(form);

        var mask = Convert.FromBase64String(((string)input["mask"]!)["data:image/png;base64,".Length..]);
        Assert.Equal(new byte[] { 0, 255, 0, 0, 0, 255 }, PngTests.GreyPixels(mask));
    }

    [Fact]
    public async Task Edit_WithAMaskThatIsNoPng_IsRefused()
    {
        using var form = EditForm(Fixture.Bytes("replicate/mask_rgba.png"), "not a png"u8.ToArray());

        var error = await Assert.ThrowsAsync<RelayErrorException>(() => EditInputAsync(form));

        Assert.Equal((400, "invalid_mask"), (error.Error.StatusCode, error.Error.Code));
    }

    [Theory]
    [InlineData("replicate/error_401.json", 401, "You did not pass a valid authentication token")]
    [InlineData("replicate/error_422.json", 422, "- input.prompt: Invalid type. Expected: string, given: null")]
    public void Error_KeepsStatusAndTheProblemsDetail(string fixture, int status, string message)
    {
        var error = Adaptor().ReadError(status, Fixture.Bytes(fixture));

        Assert.Equal((status, message, "replicate_error"), (error.StatusCode, error.Message, error.Type));
    }

    private static Task<HttpRequestMessage> BuildImageAsync(string json) =>
        Adaptor(Flux).BuildMediaRequestAsync(RelayMode.ImagesGenerations, JsonNode.Parse(json)!["model"]!.GetValue<string>(),
            new StringContent(json, Encoding.UTF8, "application/json"), Channel, CancellationToken.None).AsTask();

    private static async Task<JsonObject> EditInputAsync(MultipartFormDataContent form)
    {
        using var message = await Adaptor("black-forest-labs/flux-fill-pro").BuildMediaRequestAsync(RelayMode.ImagesEdits, "black-forest-labs/flux-fill-pro", form, Channel,
            CancellationToken.None);
        return Fixture.BodyOf(message)["input"]!.AsObject();
    }

    private static MultipartFormDataContent EditForm(byte[] image, byte[]? mask)
    {
        var form = new MultipartFormDataContent { { new StringContent("make it snow"), "prompt" }, { new ByteArrayContent(image), "image", "image.png" } };
        if (mask is not null)
        {
            form.Add(new ByteArrayContent(mask), "mask", "mask.png");
        }
        return form;
    }

    /// <summary>The engine's sender, answering from a script and noting each request as "METHOD url authorization".</summary>
    private sealed class ScriptedSend(params HttpResponseMessage[] answers)
    {
        private readonly Queue<HttpResponseMessage> _answers = new(answers);

        public List<string> Sent { get; } = [];

        public List<HttpRequestMessage> Requests { get; } = [];

        /// <summary>Runs as each request is sent (a client hanging up meanwhile).</summary>
        public Action? OnSend { get; init; }

        public Task<UpstreamReply> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            OnSend?.Invoke();
            Sent.Add($"{request.Method} {request.RequestUri} {request.Headers.Authorization}");
            Requests.Add(request);
            var answer = _answers.Count > 0 ? _answers.Dequeue() : new HttpResponseMessage(HttpStatusCode.OK);
            answer.RequestMessage = request;
            return Task.FromResult(new UpstreamReply(answer, null));
        }
    }
}
