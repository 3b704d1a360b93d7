using System.Globalization;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors;
using OneApi.Relay.Images;
using OneApi.Relay.OpenAI;
using OneApi.Relay.Tokens;
using OneApi.Server.Auth;
using OneApi.Server.Billing;
using OneApi.Server.Channels;
using OneApi.Server.Configuration;
using OneApi.Server.Options;

namespace OneApi.Server.Relay;

/// <summary>
/// Images and audio (images/generations, edits and variations, audio/speech, transcriptions and translations), relayed to
/// channels whose adaptor is an <see cref="IMediaAdaptor"/> and billed as one-api bills them. A known price (images,
/// speech) is reserved like a chat request's, so parallel requests cannot spend it twice; transcriptions, priced only
/// once the answer is in, still need a balance above zero. The charge is made once the upstream has answered 2xx.
/// Shares authentication, channel choice, failover and failure bookkeeping with <see cref="RelayPipeline"/>.
/// </summary>
public sealed partial class MediaRelay(
    RelayPipeline pipeline,
    ChannelAdaptors adaptors,
    OptionStore options,
    QuotaReservations reservations,
    TokenCounter tokenCounter,
    BillingLedger ledger,
    UpstreamCall upstream,
    RelayCapacity capacity,
    UserImageFetcher images,
    GatewaySettings settings,
    TimeProvider time,
    ILogger<MediaRelay> logger)
{
    public async Task RelayAsync(HttpContext context, RelayMode mode)
    {
        var started = time.GetTimestamp();
        var aborted = context.RequestAborted;
        using var slot = capacity.TryAdmit();
        if (slot is null)
        {
            await RelayPipeline.WriteErrorAsync(context, RelayError.Overloaded());
            return;
        }
        var (caller, body, admissionError) = await pipeline.AdmitAsync(context);
        if (caller is null || body is null)
        {
            await RelayPipeline.WriteErrorAsync(context, admissionError!);
            return;
        }
        var (request, invalid) = await MediaRequest.ReadAsync(mode, body.ToArray(), context.Request.ContentType);
        if (request is null)
        {
            await RelayPipeline.WriteErrorAsync(context, invalid!);
            return;
        }
        if (RelayPipeline.Forbids(caller, request.Model) is { } forbidden)
        {
            await RelayPipeline.WriteErrorAsync(context, forbidden);
            return;
        }
        var (channel, channelError) = pipeline.PickChannel(caller, request.Model);
        if (channel is null)
        {
            await RelayPipeline.WriteErrorAsync(context, channelError!);
            return;
        }
        var model = RelayPipeline.MappedModel(request.Model, channel);
        var price = PriceQuote.For(options.Current, model, channel.Upstream.Type, channel.Groups);
        var (quota, refused) = QuotaUpfront(request, model, price);
        if (refused is not null)
        {
            await RelayPipeline.WriteErrorAsync(context, refused);
            return;
        }
        var (reservation, quotaError) = await reservations.TryReserveAsync(caller, quota ?? 0, aborted);
        if (reservation is null)
        {
            await RelayPipeline.WriteErrorAsync(context, quotaError!);
            return;
        }
        using var held = reservation;
        var (seconds, unreadable) = await AudioSecondsAsync(request, aborted);
        if (unreadable is not null)
        {
            await reservations.RefundAsync(caller, reservation);
            await RelayPipeline.WriteErrorAsync(context, unreadable);
            return;
        }

        // Another channel may take over while nothing has reached the client; the price stays the first channel's,
        // which is what was reserved.
        var error = await pipeline.WithFailoverAsync(caller, channel, request.Model, (route, _) =>
            AttemptAsync(context, new MediaBill(caller, route, request, RelayPipeline.MappedModel(request.Model, route), price, reservation.Amount,
                context.RequestId(), started, seconds), quota));
        if (error is not null)
        {
            await reservations.RefundAsync(caller, reservation);
            await RelayPipeline.WriteErrorAsync(context, error);
        }
    }

    /// <summary>One call to one channel: null once the answer was passed on and billed, else why nothing reached the client.</summary>
    private async Task<RelayError?> AttemptAsync(HttpContext context, MediaBill bill, long? quota)
    {
        var (mode, model, channel, aborted) = (bill.Request.Mode, bill.Model, bill.Channel.Upstream, context.RequestAborted);
        if (adaptors.For(channel.Type, model) is not { } adaptor || adaptor is not IMediaAdaptor media || !adaptor.Supports(mode))
        {
            return RelayError.NotImplemented();
        }
        using var exchange = await upstream.ExchangeAsync(adaptor, ct => media.BuildMediaRequestAsync(mode, model, bill.Request.Content(model), channel, ct),
            channel, model, settings.RelayTimeout, aborted);
        if (exchange.Response is not { } response)
        {
            return exchange.Error;
        }
        var converted = await FollowTaskAsync(adaptor, media, await ConvertAnswerAsync(media, response, mode, aborted), bill, aborted);
        if (converted is not null && mode.IsImage() && bill.Request.Text("response_format") == "b64_json")
        {
            converted = await ImageAnswers.WithBytesAsync(converted, images, aborted);
        }
        if (converted?.Error is { } unreadable)
        {
            return unreadable;
        }
        if (converted is not null)
        {
            await SettleAsync(bill, quota ?? 0, 0);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(converted.Body, aborted);
        }
        else if (quota is { } charge)
        {
            await PassThroughAsync(context, response, aborted);
            await SettleAsync(bill, charge, mode == RelayMode.AudioSpeech ? SpeechChars(bill.Request) : 0);
        }
        else
        {
            await RelayTranscriptionAsync(context, response, bill);
        }
        return null;
    }

    /// <summary>
    /// Asks after a job the upstream runs in the background (DashScope's wanx images) until it ends: at once, then
    /// every <see cref="UpstreamTask.PollInterval"/>, at most <see cref="MaxTaskPolls"/> times as one-api does.
    /// </summary>
    private async Task<UpstreamAnswer?> FollowTaskAsync(IChannelAdaptor adaptor, IMediaAdaptor media, UpstreamAnswer? answer, MediaBill bill,
        CancellationToken aborted)
    {
        var channel = bill.Channel.Upstream;
        for (var polls = 0; answer?.Pending is { } task; polls++)
        {
            if (polls == MaxTaskPolls)
            {
                return new UpstreamAnswer(default, null, "", RelayError.UpstreamTimeout());
            }
            try
            {
                if (polls > 0)
                {
                    await Task.Delay(task.PollInterval, time, aborted);
                }
            }
            catch (OperationCanceledException)
            {
                return new UpstreamAnswer(default, null, "", UpstreamCall.ClientGone);
            }
            using var exchange = await upstream.ExchangeAsync(adaptor, ct => media.BuildTaskPollAsync(task, channel, ct), channel, bill.Model,
                settings.RelayTimeout, aborted);
            answer = exchange.Response is { } response
                ? await ConvertAnswerAsync(media, response, bill.Request.Mode, aborted)
                : new UpstreamAnswer(default, null, "", exchange.Error!);
        }
        return answer;
    }

    private const int MaxTaskPolls = 20;

    /// <summary>The answer in OpenAI's format when the upstream's differs (Imagen), null when it passes through; a broken read is the upstream's error.</summary>
    private static async Task<UpstreamAnswer?> ConvertAnswerAsync(IMediaAdaptor media, HttpResponseMessage response, RelayMode mode, CancellationToken aborted)
    {
        try
        {
            return await media.ReadMediaAnswerAsync(response, mode, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return new UpstreamAnswer(default, null, "", UpstreamCall.ClientGone);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return new UpstreamAnswer(default, null, "", RelayError.UpstreamUnreachable("the answer was cut off"));
        }
    }

    /// <summary>The price known before the call (images, speech), or the 400 one-api gives the request; null price for transcriptions.</summary>
    private static (long? Quota, RelayError? Error) QuotaUpfront(MediaRequest request, string model, PriceQuote price)
    {
        switch (request.Mode)
        {
            case var image when image.IsImage():
                var size = request.Text("size") is { Length: > 0 } s ? s : "1024x1024";
                var n = request.Int("n") is { } count and not 0 ? count : 1;
                // A variation is made from the picture alone: it takes no prompt.
                var prompt = request.Mode == RelayMode.ImagesVariations ? null : request.Text("prompt");
                if (MediaPrices.ValidateImage(model, size, n, prompt) is { } invalid)
                {
                    return (null, invalid);
                }
                return (MediaPrices.ImageQuota(price, MediaPrices.ImageCostRatio(model, size, request.Text("quality")), n), null);
            case RelayMode.AudioSpeech:
                var chars = SpeechChars(request);
                if (chars == 0)
                {
                    return (null, RelayError.InvalidRequest("input is required", "missing_input"));
                }
                return chars > MediaPrices.MaxSpeechInputChars
                    ? (null, RelayError.InvalidRequest($"input is longer than {MediaPrices.MaxSpeechInputChars} characters", "text_too_long"))
                    : (MediaPrices.SpeechQuota(price, chars), null);
            default:
                return (null, null);
        }
    }

    private static int SpeechChars(MediaRequest request) => request.Text("input").EnumerateRunes().Count();

    /// <summary>Copies the answer as it arrives (speech audio, image JSON), with the upstream's status and content type.</summary>
    private async Task PassThroughAsync(HttpContext context, HttpResponseMessage response, CancellationToken aborted)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } type)
        {
            context.Response.ContentType = type.ToString();
        }
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(aborted);
            await body.CopyToAsync(context.Response.Body, aborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            // The upstream did the work (one-api charges it too); the client gets what arrived.
            LogPassThroughBroken(logger, e.Message);
        }
    }

    /// <summary>Transcriptions are small text: read whole, billed by the audio's duration when ffprobe is there, else by the text's tokens.</summary>
    private async Task RelayTranscriptionAsync(HttpContext context, HttpResponseMessage response, MediaBill bill)
    {
        byte[] answer;
        try
        {
            answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            LogPassThroughBroken(logger, e.Message);
            return; // nothing reached the client: nothing to charge
        }
        var tokens = bill.AudioSeconds is { } duration
            ? duration * MediaPrices.AudioTokensPerSecond(bill.Model)
            : tokenCounter.CountText(TranscriptionText.From(answer, bill.Request.ResponseFormat), bill.Model);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
        await SettleAsync(bill, MediaPrices.TranscriptionQuota(bill.Price, tokens), (int)Math.Ceiling(tokens));
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    private Task SettleAsync(MediaBill bill, long quota, int promptTokens)
    {
        var content = string.Create(CultureInfo.InvariantCulture,
            $"model rate {bill.Price.ModelRatio:F2}, group rate {bill.Price.GroupRatio:F2}");
        var caller = bill.Caller;
        return ledger.SettleAsync(new Settlement(
            caller.UserId, caller.Username, caller.TokenId, caller.TokenName, caller.TokenUnlimited, bill.Channel.Id, bill.Model,
            bill.RequestId, quota, bill.Reserved, promptTokens, CompletionTokens: 0, (long)time.GetElapsedTime(bill.Started).TotalMilliseconds,
            IsStream: false, SystemPromptReset: false, content));
    }

    private sealed record MediaBill(RelayCaller Caller, ChannelRoute Channel, MediaRequest Request, string Model, PriceQuote Price,
        long Reserved, string RequestId, long Started, double? AudioSeconds);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "media answer broke off before it was all passed on: {Message}")]
    private static partial void LogPassThroughBroken(ILogger logger, string message);
}
