using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;
using OneApi.Relay.Streaming;
using OneApi.Relay.Tokens;
using OneApi.Server.Auth;
using OneApi.Server.Billing;
using OneApi.Server.Channels;
using OneApi.Server.Configuration;
using OneApi.Server.Options;

namespace OneApi.Server.Relay;

/// <summary>
/// One relayed request, top to bottom: authenticate the key, read the body, pick a channel, reserve quota, call the
/// upstream, pass its answer on, settle the bill. Every failure refunds what was reserved.
/// </summary>
public sealed partial class RelayPipeline(
    RelayKeyAuthenticator authenticator,
    RoutingTableStore routing,
    ChannelSelector selector,
    ChannelSuspensions suspensions,
    ChannelAutoDisabler disabler,
    ChannelSuccessMonitor monitor,
    AdaptorRegistry adaptors,
    OptionStore options,
    TokenCounter tokenCounter,
    QuotaReservations reservations,
    BillingLedger ledger,
    UpstreamCall upstream,
    GatewaySettings settings,
    TimeProvider time,
    ILogger<RelayPipeline> logger)
{
    public async Task RelayAsync(HttpContext context, RelayMode mode, string? modelFromPath)
    {
        var started = time.GetTimestamp();
        var aborted = context.RequestAborted;

        var (caller, authError) = await authenticator.AuthenticateAsync(context, aborted);
        if (caller is null)
        {
            await WriteErrorAsync(context, authError!);
            return;
        }

        var (request, requestError) = await ReadRequestAsync(context, mode, modelFromPath, caller);
        if (request is null)
        {
            await WriteErrorAsync(context, requestError!);
            return;
        }

        var (channel, channelError) = PickChannel(caller, request.OriginModel);
        if (channel is null)
        {
            await WriteErrorAsync(context, channelError!);
            return;
        }

        var runtime = options.Current;
        var promptTokens = CountPromptTokens(request);
        var firstPrice = PriceQuote.For(runtime, MappedModel(request, channel), channel.Upstream.Type, channel.Groups);
        var (reserved, quotaError) = await reservations.TryReserveAsync(
            caller, firstPrice.PreConsumption(runtime.PreConsumedQuota, promptTokens, request.MaxTokens), aborted);
        if (quotaError is not null)
        {
            await WriteErrorAsync(context, quotaError);
            return;
        }

        // Failover: another channel is tried only while nothing has reached the client, and the reservation is
        // settled or refunded exactly once whatever happens.
        var tried = new HashSet<int>();
        var retriesLeft = caller.PinnedChannelId is null ? runtime.RetryTimes : 0;
        while (true)
        {
            tried.Add(channel.Id);
            var attempt = tried.Count == 1 ? request : request.Fresh();
            var systemPromptReset = PrepareForChannel(attempt, channel);
            var price = tried.Count == 1 ? firstPrice : PriceQuote.For(runtime, attempt.Model, channel.Upstream.Type, channel.Groups);
            var bill = new Bill(caller, channel, attempt, price, reserved, promptTokens, systemPromptReset, context.RequestId(), started);
            var error = await AttemptAsync(context, bill);
            if (error is null)
            {
                monitor.Record(channel.Id, success: true);
                return;
            }
            error = WithoutSecret(error, channel.Upstream.Key);
            await RecordFailureAsync(channel, error);
            var next = retriesLeft-- > 0 && IsWorthRetrying(error)
                ? selector.Select(routing.Current, caller.Group, request.OriginModel, tried, skipTopTier: true)
                : null;
            if (next is null)
            {
                await reservations.RefundAsync(caller, reserved);
                await WriteErrorAsync(context, error);
                return;
            }
            LogRetry(logger, channel.Id, next.Id, error.StatusCode);
            channel = next;
        }
    }

    /// <summary>
    /// One call to one channel. Returns null once an answer has been passed on and billed (a stream that broke off
    /// after its first byte included), or the error that kept anything from reaching the client.
    /// </summary>
    private async Task<RelayError?> AttemptAsync(HttpContext context, Bill bill)
    {
        var adaptor = adaptors.For(bill.Channel.Upstream.Type);
        if (adaptor is null || !adaptor.Supports(bill.Request.Mode))
        {
            return RelayError.NotImplemented();
        }
        adaptor = ClientApis.Of(context).Adapt(adaptor, bill.Request);
        var aborted = context.RequestAborted;
        var (built, buildError) = await BuildUpstreamRequestAsync(adaptor, bill.Request, bill.Channel.Upstream, aborted);
        if (built is null)
        {
            return buildError;
        }
        using var upstreamRequest = built;
        var (response, sendError) = await upstream.SendAsync(upstreamRequest, settings.RelayTimeout, aborted, new(bill.Channel.Id, bill.Request.Model));
        using (response)
        {
            if (response is null)
            {
                return sendError;
            }
            if (!response.IsSuccessStatusCode)
            {
                return adaptor.ReadError((int)response.StatusCode, await UpstreamCall.ReadErrorBodyAsync(response, aborted));
            }
            if (bill.Request.IsStream)
            {
                await RelayStreamAsync(context, adaptor, response, bill);
                return null;
            }
            return await RelayAnswerAsync(context, adaptor, response, bill);
        }
    }

    /// <summary>Some providers quote the key they were sent in their error message; the client must not read the channel's key.</summary>
    internal static RelayError WithoutSecret(RelayError error, string key) =>
        key.Length >= 8 && error.Message.Contains(key, StringComparison.Ordinal)
            ? error with { Message = error.Message.Replace(key, "[channel key]", StringComparison.Ordinal) }
            : error;

    private static bool IsWorthRetrying(RelayError error) => error.Kind switch
    {
        RelayErrorKind.UpstreamUnreachable or RelayErrorKind.UpstreamTimeout or RelayErrorKind.UpstreamMalformed => true,
        RelayErrorKind.UpstreamStatus => error.StatusCode is 429 or 401 or 403 or >= 500,
        _ => false,
    };

    /// <summary>Benches the channel for a while, and takes it out of rotation when the error says the account is unusable.</summary>
    internal async Task RecordFailureAsync(ChannelRoute channel, RelayError error)
    {
        if (!error.IsUpstreamFailure)
        {
            return; // the client hung up, or its request was refused before the channel was asked: no mark on the channel
        }
        LogUpstreamFailure(logger, channel.Id, error.StatusCode, error.Message);
        suspensions.Record(channel.Id, error);
        if (options.Current.GetBool("AutomaticDisableChannelEnabled") && ChannelDisablePolicy.ShouldDisable(error))
        {
            await disabler.DisableAsync(channel.Id, $"status {error.StatusCode}: {error.Message}");
        }
        else if (monitor.Record(channel.Id, success: false))
        {
            await disabler.DisableAsync(channel.Id, "success rate fell below METRIC_SUCCESS_RATE_THRESHOLD");
        }
    }

    private async Task<(RelayRequest? Request, RelayError? Error)> ReadRequestAsync(HttpContext context, RelayMode mode, string? modelFromPath, RelayCaller caller)
    {
        var (body, tooLarge) = await RequestBodyReader.ReadAsync(context.Request, settings.MaxRequestBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return (null, tooLarge);
        }
        var (json, invalid) = RequestBodyReader.ParseObject(body);
        if (json is null)
        {
            return (null, invalid);
        }
        var model = modelFromPath ?? (json["model"] is JsonValue value && value.TryGetValue(out string? named) ? named : null);
        if (string.IsNullOrWhiteSpace(model))
        {
            return (null, RelayError.InvalidRequest("model is required", "missing_model"));
        }
        if (caller.AllowedModels is { } allowed && !allowed.Contains(model))
        {
            return (null, RelayError.Forbidden($"this token has no permission to use model: {model}"));
        }
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var (request, clientError) = ClientApis.Of(context).ReadRequest(mode, json, body, model, query);
        if (request is null)
        {
            return (null, clientError);
        }
        if (modelFromPath is not null)
        {
            request.Edit(b => b["model"] = modelFromPath);
        }
        return (request, null);
    }

    internal (ChannelRoute? Channel, RelayError? Error) PickChannel(RelayCaller caller, string model)
    {
        var table = routing.Current;
        if (caller.PinnedChannelId is { } pinned)
        {
            if (!table.Channels.TryGetValue(pinned, out var channel))
            {
                return (null, RelayError.Forbidden($"channel #{pinned} does not exist"));
            }
            return channel.Enabled ? (channel, null) : (null, RelayError.Forbidden($"channel #{pinned} is disabled"));
        }
        var selected = selector.Select(table, caller.Group, model, new HashSet<int>(), skipTopTier: false);
        return selected is null ? (null, RelayError.NoChannel(model, caller.Group)) : (selected, null);
    }

    /// <summary>Applies the channel's model mapping and system prompt, and forces usage into streams when configured.</summary>
    private bool PrepareForChannel(RelayRequest request, ChannelRoute channel)
    {
        request.MapModel(MappedModel(request, channel));
        if (request.IsStream && settings.EnforceIncludeUsage && request.Mode is RelayMode.ChatCompletions or RelayMode.Completions)
        {
            request.Edit(body => body["stream_options"] = new JsonObject { ["include_usage"] = true });
        }
        if (channel.SystemPrompt is not { } systemPrompt || request.Mode != RelayMode.ChatCompletions ||
            request.Body["messages"] is not JsonArray messages)
        {
            return false;
        }
        request.Edit(_ =>
        {
            if (messages.FirstOrDefault() is JsonObject first && first["role"] is JsonValue role && role.TryGetValue(out string? name) && name == "system")
            {
                first["content"] = systemPrompt;
            }
            else
            {
                messages.Insert(0, new JsonObject { ["role"] = "system", ["content"] = systemPrompt });
            }
        });
        return true;
    }

    private static string MappedModel(RelayRequest request, ChannelRoute channel) => MappedModel(request.OriginModel, channel);

    internal static string MappedModel(string originModel, ChannelRoute channel) =>
        channel.ModelMapping.TryGetValue(originModel, out var mapped) ? mapped : originModel;

    private int CountPromptTokens(RelayRequest request) => request.Mode switch
    {
        RelayMode.ChatCompletions => tokenCounter.CountChatPrompt(request.Body, request.Model),
        RelayMode.Completions => tokenCounter.CountInput(request.Body["prompt"], request.Model),
        _ => tokenCounter.CountInput(request.Body["input"], request.Model),
    };

    private async Task<RelayError?> RelayAnswerAsync(HttpContext context, IChannelAdaptor adaptor, HttpResponseMessage response, Bill bill)
    {
        UpstreamAnswer answer;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            if (settings.RelayTimeout is { } timeout)
            {
                deadline.CancelAfter(timeout);
            }
            try
            {
                answer = await adaptor.ReadAnswerAsync(response, bill.Request, deadline.Token);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return UpstreamCall.ClientGone;
            }
            catch (OperationCanceledException)
            {
                return RelayError.UpstreamTimeout();
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                return RelayError.UpstreamUnreachable("the answer was cut off");
            }
        }
        if (answer.Error is not null)
        {
            return answer.Error;
        }
        var usage = answer.Usage is { TotalTokens: > 0 } reported
            ? Reconcile(reported, bill.PromptTokens)
            : Usage.Of(bill.PromptTokens, tokenCounter.CountText(answer.CompletionText, bill.Request.Model));
        await SettleAsync(bill, usage, isStream: false);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
        return null;
    }

    /// <summary>
    /// Forwards each event as it arrives and flushes it. Billing counts only what reached the client: when the
    /// client hangs up, the upstream call is cancelled and the delivered text is what is charged.
    /// </summary>
    private async Task RelayStreamAsync(HttpContext context, IChannelAdaptor adaptor, HttpResponseMessage response, Bill bill)
    {
        var http = context.Response;
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = "text/event-stream";
        http.Headers.CacheControl = "no-cache";
        http.Headers["X-Accel-Buffering"] = "no";
        using var activeStream = Observability.GatewayMetrics.StreamOpened();

        var delivered = new StringBuilder();
        Usage? reported = null;
        var clientGone = false;
        var aborted = context.RequestAborted;
        // Restarted on every event: an upstream that goes quiet for IDLE_TIMEOUT ends the stream, not the client's patience.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        idle.CancelAfter(settings.IdleTimeout);
        try
        {
            await using var upstreamBody = await response.Content.ReadAsStreamAsync(idle.Token);
            await foreach (var frame in adaptor.ReadStreamAsync(upstreamBody, bill.Request, idle.Token))
            {
                idle.CancelAfter(settings.IdleTimeout);
                if (!frame.Data.IsEmpty)
                {
                    var flush = await SseWriter.WriteEventAsync(http.BodyWriter, frame.Event, frame.Data.Span, aborted);
                    if (flush.IsCanceled || flush.IsCompleted)
                    {
                        clientGone = true;
                        break;
                    }
                }
                delivered.Append(frame.Text);
                reported = frame.Usage ?? reported;
                if (frame.Error is not null)
                {
                    LogUpstreamFailure(logger, bill.Channel.Id, frame.Error.StatusCode, frame.Error.Message);
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            clientGone = true;
        }
        catch (OperationCanceledException)
        {
            LogStreamIdle(logger, bill.Channel.Id, settings.IdleTimeout.TotalSeconds);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The upstream broke off mid-stream: the client keeps what it got and pays for exactly that.
            clientGone = aborted.IsCancellationRequested;
            LogStreamBroken(logger, bill.Channel.Id, e.Message);
        }

        var usage = reported is { TotalTokens: > 0 } && !clientGone
            ? Reconcile(reported, bill.PromptTokens)
            : Usage.Of(bill.PromptTokens, tokenCounter.CountText(delivered.ToString(), bill.Request.Model));
        await SettleAsync(bill, usage, isStream: true);
        if (!clientGone && ClientApis.Of(context).EndsStreamWithDone)
        {
            await SseWriter.WriteDoneAsync(http.BodyWriter, CancellationToken.None);
        }
    }

    /// <summary>one-api: a usage with a total but no prompt count takes the prompt from the pre-count.</summary>
    private static Usage Reconcile(Usage usage, int promptTokens) =>
        usage.PromptTokens == 0 && usage.TotalTokens > 0
            ? Usage.Of(promptTokens, Math.Max(0, usage.TotalTokens - promptTokens))
            : usage;

    private Task SettleAsync(Bill bill, Usage usage, bool isStream)
    {
        var quota = bill.Price.QuotaFor(usage.PromptTokens, usage.CompletionTokens);
        var content = string.Create(CultureInfo.InvariantCulture,
            $"model rate {bill.Price.ModelRatio:F2}, group rate {bill.Price.GroupRatio:F2}, completion rate {bill.Price.CompletionRatio:F2}");
        return ledger.SettleAsync(new Settlement(
            bill.Caller.UserId, bill.Caller.Username, bill.Caller.TokenId, bill.Caller.TokenName, bill.Caller.TokenUnlimited,
            bill.Channel.Id, bill.Request.Model, bill.RequestId, quota, bill.Reserved, usage.PromptTokens, usage.CompletionTokens,
            (long)time.GetElapsedTime(bill.Started).TotalMilliseconds, isStream, bill.SystemPromptReset, content));
    }

    internal static async Task WriteErrorAsync(HttpContext context, RelayError error)
    {
        if (error.Kind == RelayErrorKind.ClientDisconnected || context.Response.HasStarted)
        {
            return;
        }
        context.Response.StatusCode = error.StatusCode;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(ClientApis.Of(context).SerializeError(error, context.RequestId()));
    }

    /// <summary>What settlement needs to know about a request once its answer is in.</summary>
    private sealed record Bill(RelayCaller Caller, ChannelRoute Channel, RelayRequest Request, PriceQuote Price, long Reserved,
        int PromptTokens, bool SystemPromptReset, string RequestId, long Started);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "channel {ChannelId} failed with {Status}: {Message}")]
    private static partial void LogUpstreamFailure(ILogger logger, int channelId, int status, string message);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "stream from channel {ChannelId} broke off: {Message}")]
    private static partial void LogStreamBroken(ILogger logger, int channelId, string message);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "stream from channel {ChannelId} sent nothing for {Seconds} s; ended it")]
    private static partial void LogStreamIdle(ILogger logger, int channelId, double seconds);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "channel {ChannelId} failed with {Status}; retrying on channel {NextChannelId}")]
    private static partial void LogRetry(ILogger logger, int channelId, int nextChannelId, int status);
}
