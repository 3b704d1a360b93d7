using System.Globalization;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;
using OneApi.Relay.Tokens;
using OneApi.Server.Auth;
using OneApi.Server.Billing;
using OneApi.Server.Channels;
using OneApi.Server.Configuration;
using OneApi.Server.Options;

namespace OneApi.Server.Relay;

/// <summary>
/// Images and audio (images/generations, audio/speech, audio/transcriptions, audio/translations), relayed to
/// channels whose adaptor is an <see cref="IMediaAdaptor"/> and billed as one-api bills them: nothing is reserved;
/// the caller must hold the known price (images, speech) and is charged once the upstream has answered 2xx.
/// Shares authentication, channel choice and failure bookkeeping with <see cref="RelayPipeline"/>; no failover.
/// </summary>
public sealed partial class MediaRelay(
    RelayPipeline pipeline,
    RelayKeyAuthenticator authenticator,
    AdaptorRegistry adaptors,
    ChannelSuccessMonitor monitor,
    OptionStore options,
    TokenCounter tokenCounter,
    BillingLedger ledger,
    UpstreamCall upstream,
    GatewaySettings settings,
    TimeProvider time,
    ILogger<MediaRelay> logger)
{
    public async Task RelayAsync(HttpContext context, RelayMode mode)
    {
        var started = time.GetTimestamp();
        var aborted = context.RequestAborted;
        var (caller, authError) = await authenticator.AuthenticateAsync(context, aborted);
        if (caller is null)
        {
            await RelayPipeline.WriteErrorAsync(context, authError!);
            return;
        }
        var (body, tooLarge) = await RequestBodyReader.ReadAsync(context.Request, settings.MaxRequestBodyBytes, aborted);
        if (body is null)
        {
            await RelayPipeline.WriteErrorAsync(context, tooLarge!);
            return;
        }
        var (request, invalid) = await MediaRequest.ReadAsync(mode, body, context.Request.ContentType);
        if (request is null)
        {
            await RelayPipeline.WriteErrorAsync(context, invalid!);
            return;
        }
        if (caller.AllowedModels is { } allowed && !allowed.Contains(request.Model))
        {
            await RelayPipeline.WriteErrorAsync(context, RelayError.Forbidden($"this token has no permission to use model: {request.Model}"));
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
        refused ??= quota is { } known ? Affordable(caller, known) : null;
        if (refused is not null)
        {
            await RelayPipeline.WriteErrorAsync(context, refused);
            return;
        }
        if (adaptors.For(channel.Upstream.Type) is not { } adaptor || adaptor is not IMediaAdaptor media)
        {
            await RelayPipeline.WriteErrorAsync(context, RelayError.NotImplemented());
            return;
        }

        using var upstreamRequest = media.BuildMediaRequest(mode, model, request.Content(model), channel.Upstream);
        var (response, sendError) = await upstream.SendAsync(upstreamRequest, settings.RelayTimeout, aborted, new(channel.Id, model));
        using (response)
        {
            var error = response is null ? sendError!
                : response.IsSuccessStatusCode ? null
                : adaptor.ReadError((int)response.StatusCode, await UpstreamCall.ReadErrorBodyAsync(response, aborted));
            if (error is not null)
            {
                error = RelayPipeline.WithoutSecret(error, channel.Upstream.Key);
                await pipeline.RecordFailureAsync(channel, error);
                await RelayPipeline.WriteErrorAsync(context, error);
                return;
            }
            monitor.Record(channel.Id, success: true);
            var bill = new MediaBill(caller, channel, request, model, price, context.RequestId(), started);
            if (quota is { } charge)
            {
                await PassThroughAsync(context, response!, aborted);
                await SettleAsync(bill, charge, mode == RelayMode.AudioSpeech ? SpeechChars(request) : 0);
            }
            else
            {
                await RelayTranscriptionAsync(context, response!, bill);
            }
        }
    }

    /// <summary>The price known before the call (images, speech), or the 400 one-api gives the request; null price for transcriptions.</summary>
    private static (long? Quota, RelayError? Error) QuotaUpfront(MediaRequest request, string model, PriceQuote price)
    {
        switch (request.Mode)
        {
            case RelayMode.ImagesGenerations:
                var size = request.Text("size") is { Length: > 0 } s ? s : "1024x1024";
                var n = request.Int("n") is { } count and not 0 ? count : 1;
                if (MediaPrices.ValidateImage(model, size, n, request.Text("prompt")) is { } invalid)
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

    /// <summary>one-api checks the user's quota against the full price (403); the token is checked here too, since nothing is reserved.</summary>
    private static RelayError? Affordable(RelayCaller caller, long quota) =>
        caller.UserQuota < quota ? RelayError.InsufficientQuota("user quota is not enough", "insufficient_user_quota")
        : !caller.TokenUnlimited && caller.TokenRemainQuota < quota ? RelayError.InsufficientQuota("token quota is not enough", "insufficient_token_quota")
        : null;

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

    /// <summary>Transcriptions are small text: read whole, billed by the audio's duration when ffprobe can tell it, else by the text's tokens.</summary>
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
        var seconds = await AudioDuration.SecondsAsync(bill.Request.File!.Data, context.RequestAborted);
        var tokens = seconds is { } duration
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
            bill.RequestId, quota, Reserved: 0, promptTokens, CompletionTokens: 0, (long)time.GetElapsedTime(bill.Started).TotalMilliseconds,
            IsStream: false, SystemPromptReset: false, content));
    }

    private sealed record MediaBill(RelayCaller Caller, ChannelRoute Channel, MediaRequest Request, string Model, PriceQuote Price,
        string RequestId, long Started);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "media answer broke off before it was all passed on: {Message}")]
    private static partial void LogPassThroughBroken(ILogger logger, string message);
}
