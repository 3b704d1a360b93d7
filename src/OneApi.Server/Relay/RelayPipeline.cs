using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors;
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
    ChannelAdaptors adaptors,
    OptionStore options,
    TokenCounter tokenCounter,
    QuotaReservations reservations,
    BillingLedger ledger,
    UpstreamCall upstream,
    RelayCapacity capacity,
    BodyMemoryBudget bodyBudget,
    GatewaySettings settings,
    TimeProvider time,
    ILogger<RelayPipeline> logger)
{
    public async Task RelayAsync(HttpContext context, RelayMode mode, string? modelFromPath)
    {
        var started = time.GetTimestamp();
        using var slot = capacity.TryAdmit();
        if (slot is null)
        {
            await WriteErrorAsync(context, RelayError.Overloaded());
            return;
        }

        var (caller, body, admissionError) = await AdmitAsync(context, pooled: true);
        if (caller is null || body is null)
        {
            await WriteErrorAsync(context, admissionError!);
            return;
        }
        var sendsEnded = false;
        try
        {
            sendsEnded = await RelayBodyAsync(context, mode, modelFromPath, caller, body, started);
        }
        finally
        {
            // The budget's share comes back either way; the buffer goes back to the pool only when no send may still
            // be reading it, which an exception leaves unknown (see RequestBody.Abandon).
            if (sendsEnded)
            {
                body.Dispose();
            }
            else
            {
                body.Abandon();
            }
        }
    }

    /// <summary>The relay once the caller and its body are in. False when a send upstream was cut off mid-way.</summary>
    private async Task<bool> RelayBodyAsync(HttpContext context, RelayMode mode, string? modelFromPath, RelayCaller caller,
        RequestBody body, long started)
    {
        var aborted = context.RequestAborted;
        var (request, requestError) = ReadRequest(context, mode, modelFromPath, caller, body.Memory);
        if (request is null)
        {
            await WriteErrorAsync(context, requestError!);
            return true;
        }

        var (channel, channelError) = PickChannel(caller, request.OriginModel);
        if (channel is null)
        {
            await WriteErrorAsync(context, channelError!);
            return true;
        }

        var runtime = options.Current;
        var firstPrice = PriceQuote.For(runtime, MappedModel(request, channel), channel.Upstream.Type, channel.Groups);
        var (worstCase, bodyError) = request.Mode == RelayMode.Rerank
            ? Guarded<long?>(() => (firstPrice.QuotaFor(RerankUnits(request, channel), 0), null))
            : (firstPrice.PreConsumption(runtime.PreConsumedQuota, request.PromptEstimateTokens, CompletionReserve(request, runtime)), null);
        if (worstCase is null)
        {
            await WriteErrorAsync(context, bodyError!);
            return true;
        }
        var (reservation, quotaError) = await reservations.TryReserveAsync(caller, worstCase.Value, aborted);
        if (reservation is null)
        {
            await WriteErrorAsync(context, quotaError!);
            return true;
        }
        using var held = reservation;

        // The reservation is settled by the attempt that answers, or refunded once when none does.
        var sendsEnded = true;
        var error = await WithFailoverAsync(caller, channel, request.OriginModel, async (route, first) =>
        {
            var attempt = first ? request : request.Fresh();
            var (systemPromptReset, bodyError) = Guarded<bool?>(() => (PrepareForChannel(attempt, route), null));
            if (systemPromptReset is null)
            {
                return bodyError;
            }
            var price = first ? firstPrice : PriceQuote.For(runtime, attempt.Model, route.Upstream.Type, route.Groups);
            var failed = await AttemptAsync(context, new Bill(caller, route, attempt, price, reservation.Amount, systemPromptReset.Value, context.RequestId(), started), body, sendsEnded);
            sendsEnded &= failed?.Kind is not (RelayErrorKind.UpstreamTimeout or RelayErrorKind.UpstreamUnreachable or RelayErrorKind.ClientDisconnected);
            return failed;
        });
        if (error is not null)
        {
            await reservations.RefundAsync(caller, reservation);
            await WriteErrorAsync(context, error);
        }
        return sendsEnded;
    }

    /// <summary>
    /// Calls <paramref name="attempt"/> on the channel, then on others of the model while the error is worth it, as
    /// long as nothing has reached the client (an attempt that answered returns null). Records each channel's outcome;
    /// returns the last error, or null once a channel answered. A token pinned to a channel gets no other.
    /// </summary>
    internal async Task<RelayError?> WithFailoverAsync(RelayCaller caller, ChannelRoute channel, string originModel,
        Func<ChannelRoute, bool, Task<RelayError?>> attempt)
    {
        var tried = new HashSet<int>();
        var retriesLeft = caller.PinnedChannelId is null ? options.Current.RetryTimes : 0;
        while (true)
        {
            tried.Add(channel.Id);
            var error = await attempt(channel, tried.Count == 1);
            if (error is null)
            {
                monitor.Record(channel.Id, success: true);
                return null;
            }
            await RecordFailureAsync(channel, error);
            var next = retriesLeft-- > 0 && IsWorthRetrying(error)
                ? selector.Select(routing.Current, caller.Group, originModel, tried, skipTopTier: true)
                : null;
            if (next is null)
            {
                return error;
            }
            LogRetry(logger, channel.Id, next.Id, error.StatusCode);
            channel = next;
        }
    }

    /// <summary>
    /// One call to one channel. Returns null once an answer has been passed on and billed (a stream that broke off
    /// after its first byte included), or the error that kept anything from reaching the client.
    /// </summary>
    /// <param name="noSendCutOff">No earlier attempt's send was cut off, so none may still be reading the body.</param>
    private async Task<RelayError?> AttemptAsync(HttpContext context, Bill bill, RequestBody body, bool noSendCutOff)
    {
        var adaptor = adaptors.For(bill.Channel.Upstream.Type, bill.Request.Model);
        if (adaptor is null || !adaptor.Supports(bill.Request.Mode))
        {
            return RelayError.NotImplemented();
        }
        adaptor = ClientApis.Of(context).Adapt(adaptor, bill.Request, bill.Channel.Upstream);
        var channel = bill.Channel.Upstream;
        using var exchange = await upstream.ExchangeAsync(adaptor, ct => adaptor.BuildRequestAsync(bill.Request, channel, ct), channel,
            bill.Request.Model, settings.RelayTimeout, context.RequestAborted);
        // A stream's headers come before its generation: a long one keeps the body (for a count), not the budget. An
        // answer's come once it is done.
        if (bill.Request.IsStream)
        {
            body.LeaveBudget();
        }
        if (exchange.Response is not { } response)
        {
            return exchange.Error;
        }
        // Once the answer is in and counted, the body has served: it goes back before the settlement's wait and the
        // client's write, so under load bodies do not pile up behind settlements (1,500 connections of 150 KB held
        // 205 MiB when they did). Its buffer stays out of the pool while a cut-off send may still read it.
        Action doneWithBody = noSendCutOff ? body.Dispose : body.LeaveBudget;
        if (bill.Request.IsStream)
        {
            await RelayStreamAsync(context, adaptor, response, bill, doneWithBody);
            return null;
        }
        return await RelayAnswerAsync(context, adaptor, response, bill, doneWithBody);
    }

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

    /// <summary>What every relay (chat, media, <c>/v1/messages</c>) admits first: a valid key, then a body within <c>MAX_REQUEST_BODY_MB</c>.</summary>
    internal async Task<(RelayCaller? Caller, RequestBody? Body, RelayError? Error)> AdmitAsync(HttpContext context, bool pooled = false)
    {
        var (caller, authError) = await authenticator.AuthenticateAsync(context, context.RequestAborted);
        if (caller is null)
        {
            return (null, null, authError);
        }
        var (body, tooLarge) = await RequestBodyReader.ReadAsync(context.Request, settings.MaxRequestBodyBytes, pooled ? bodyBudget : null, context.RequestAborted);
        return body is null ? (null, null, tooLarge) : (caller, body, null);
    }

    /// <summary><see cref="AdmitAsync"/> for the gateway's own JSON endpoints (token counting): the body read as a JSON object.</summary>
    internal async Task<(RelayCaller? Caller, JsonObject? Body, RelayError? Error)> AdmitJsonAsync(HttpContext context)
    {
        var (caller, raw, error) = await AdmitAsync(context);
        if (caller is null || raw is null)
        {
            return (null, null, error);
        }
        var (body, invalid) = RequestBodyReader.ParseObject(raw.Memory);
        return body is null ? (null, null, invalid) : (caller, body, null);
    }

    /// <summary>The 403 for a model the token is not allowed (its <c>models</c> list), else null.</summary>
    internal static RelayError? Forbids(RelayCaller caller, string model) =>
        caller.AllowedModels is { } allowed && !allowed.Contains(model)
            ? RelayError.Forbidden($"this token has no permission to use model: {model}")
            : null;

    private static (RelayRequest? Request, RelayError? Error) ReadRequest(HttpContext context, RelayMode mode, string? modelFromPath, RelayCaller caller, ReadOnlyMemory<byte> body)
    {
        var (json, invalid) = JsonBody.Read(body);
        if (json is null)
        {
            return (null, RelayError.InvalidRequest(invalid!, "invalid_json"));
        }
        var model = modelFromPath ?? json.String("model");
        if (string.IsNullOrWhiteSpace(model))
        {
            return (null, RelayError.InvalidRequest("model is required", "missing_model"));
        }
        if (Forbids(caller, model) is { } forbidden)
        {
            return (null, forbidden);
        }
        var query = context.Request.QueryString.HasValue
            ? context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase)
            : NoQuery;
        var (request, clientError) = Guarded(() => ClientApis.Of(context).ReadRequest(mode, json, model, query));
        if (request is null)
        {
            return (null, clientError);
        }
        if (Guarded<bool?>(() => (null, BillingFields.Validate(request.Field, mode))).Error is { } invalidField)
        {
            return (null, invalidField);
        }
        if (modelFromPath is not null)
        {
            request.Set("model", JsonValue.Create(modelFromPath));
        }
        return (request, null);
    }

    private static readonly IReadOnlyDictionary<string, string> NoQuery = new Dictionary<string, string>();

    /// <summary>
    /// Runs a step that may build the request's tree or parse one of its fields, which refuse what the first pass over
    /// the body lets through (a name given twice inside a nested object): that refusal is the client's 400, not a
    /// failure of the gateway.
    /// </summary>
    private static (T? Value, RelayError? Error) Guarded<T>(Func<(T? Value, RelayError? Error)> step)
    {
        try
        {
            return step();
        }
        catch (RelayErrorException e)
        {
            return (default, e.Error);
        }
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
        if (request.IsStream && settings.EnforceIncludeUsage && !request.ClientWantsStreamUsage &&
            request.Mode is RelayMode.ChatCompletions or RelayMode.Completions)
        {
            request.AskForStreamUsage();
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

    /// <summary>Output tokens the reservation allows for: max_tokens (or the configured default) for each answer asked for.</summary>
    private static long CompletionReserve(RelayRequest request, RuntimeOptions runtime) =>
        request.Mode is RelayMode.ChatCompletions or RelayMode.Completions
            ? (request.MaxTokens ?? runtime.CompletionReserveTokens) * BillingFields.Choices(request.Field)
            : 0;

    /// <summary>
    /// A rerank is reserved at what it will cost, as one-api HEAD does, not at the worst case of a generation (its
    /// per-search prices would make PreConsumedQuota worth hundreds of searches): the channel's own units when they are
    /// not tokens (Cohere's searches), else the tokens of the query and documents.
    /// </summary>
    private int RerankUnits(RelayRequest request, ChannelRoute channel) =>
        adaptors.For(channel.Upstream.Type, MappedModel(request, channel))?.RerankUnits(request) ?? CountPromptTokens(request);

    /// <summary>The exact prompt count, needed only when the upstream reports no usage: after the answer, never before.</summary>
    private int CountPromptTokens(RelayRequest request) => request.Mode switch
    {
        RelayMode.ChatCompletions => tokenCounter.CountChatPrompt(request.Body, request.Model),
        RelayMode.Completions => tokenCounter.CountInput(request.Body["prompt"], request.Model),
        RelayMode.Edits => tokenCounter.CountText(JsonWire.String(request.Body["instruction"]) + JsonWire.String(request.Body["input"]), request.Model),
        RelayMode.Rerank => tokenCounter.CountText(RerankBody.Query(request.Body), request.Model)
            + RerankBody.Documents(request.Body).Sum(d => tokenCounter.CountText(d, request.Model)),
        _ => tokenCounter.CountInput(request.Body["input"], request.Model),
    };

    private async Task<RelayError?> RelayAnswerAsync(HttpContext context, IChannelAdaptor adaptor, HttpResponseMessage response, Bill bill,
        Action doneWithBody)
    {
        var answer = await upstream.ReadAnswerAsync(adaptor, response, bill.Request, settings.RelayTimeout, context.RequestAborted);
        if (answer.Error is not null)
        {
            return answer.Error;
        }
        await SettleAsync(bill, answer.Usage, answer.CompletionText, isStream: false, doneWithBody);
        if (context.RequestAborted.IsCancellationRequested)
        {
            return null;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        try
        {
            await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Billed already: the upstream's work was done and paid for whether or not the client stayed to read it.
        }
        return null;
    }

    /// <summary>
    /// Forwards each event as it arrives (<see cref="StreamOutput"/> decides when it is sent). When the client hangs up, the upstream is still read, for at
    /// most <c>DISCONNECT_USAGE_WAIT</c>, until its usage arrives: the provider bills the whole generation, and so
    /// does the gateway. What arrived is counted when no usage comes.
    /// </summary>
    private async Task RelayStreamAsync(HttpContext context, IChannelAdaptor adaptor, HttpResponseMessage response, Bill bill,
        Action doneWithBody)
    {
        var http = context.Response;
        var api = ClientApis.Of(context);
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = api.StreamsJsonArray ? "application/json" : "text/event-stream";
        http.Headers.CacheControl = "no-cache";
        http.Headers["X-Accel-Buffering"] = "no";
        using var activeStream = Observability.GatewayMetrics.StreamOpened();

        var generated = new StringBuilder();
        Usage? reported = null;
        var aborted = context.RequestAborted;
        // While the client listens, an upstream that goes quiet for IDLE_TIMEOUT ends the stream, not the client's
        // patience. Once the client is gone, the wait for usage runs out regardless.
        using var reading = new IdleDeadline(settings.IdleTimeout);
        var output = new StreamOutput(http.BodyWriter, api.StreamsJsonArray, aborted,
            clientLeft: () => reading.EndAfter(settings.DisconnectUsageWait));
        try
        {
            await using var upstreamBody = await response.Content.ReadAsStreamAsync(reading.Token);
            await foreach (var frame in output.SendingWhileWaiting(adaptor.ReadStreamAsync(upstreamBody, bill.Request, reading.Token), reading.Token))
            {
                generated.Append(frame.Text);
                reported = frame.Usage ?? reported;
                if (frame.Error is not null)
                {
                    LogUpstreamFailure(logger, bill.Channel.Id, frame.Error.StatusCode, frame.Error.Message);
                }
                if (!output.ClientGone)
                {
                    reading.Arrived();
                    if (!frame.Data.IsEmpty)
                    {
                        await output.WriteAsync(frame);
                    }
                }
                if (frame.Error is not null || (output.ClientGone && reported is { TotalTokens: > 0 }))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (output.ClientGone)
        {
            LogUsageNeverCame(logger, bill.Channel.Id, settings.DisconnectUsageWait.TotalSeconds);
        }
        catch (OperationCanceledException)
        {
            LogStreamIdle(logger, bill.Channel.Id, settings.IdleTimeout.TotalSeconds);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The upstream broke off mid-stream: the client keeps what it got and pays for what was generated.
            LogStreamBroken(logger, bill.Channel.Id, e.Message);
        }
        // What the client was written goes out before settling, which may wait on the database; the closing marker after,
        // so a client that saw it finds the request billed.
        var clientGone = !await output.SendAsync() || aborted.IsCancellationRequested;

        await SettleAsync(bill, reported, generated.ToString(), isStream: true, doneWithBody);
        if (clientGone)
        {
            return;
        }
        if (api.StreamsJsonArray)
        {
            await JsonArrayWriter.EndAsync(http.BodyWriter, output.WroteAny, CancellationToken.None);
        }
        else if (api.EndsStreamWithDone)
        {
            await SseWriter.WriteDoneAsync(http.BodyWriter, CancellationToken.None);
        }
    }

    /// <summary>
    /// The upstream's usage when it reported one; otherwise the gateway's own count of the whole prompt and of all it
    /// generated (text, reasoning, tool calls), marked as estimated in the log. A usage without a prompt count takes the
    /// prompt from the gateway's count, as one-api does.
    /// </summary>
    private MeasuredUsage Measure(Usage? reported, RelayRequest request, string generated)
    {
        if (reported is { TotalTokens: > 0, PromptTokens: > 0 })
        {
            return new MeasuredUsage(reported, Estimated: false);
        }
        var prompt = Guarded<int?>(() => (CountPromptTokens(request), null)).Value ?? request.PromptEstimateTokens;
        return reported is { TotalTokens: > 0 } total
            ? new MeasuredUsage(Usage.Of(prompt, Math.Max(0, total.TotalTokens - prompt)), Estimated: true)
            : new MeasuredUsage(Usage.Of(prompt, tokenCounter.CountText(generated, request.Model)), Estimated: true);
    }

    private sealed record MeasuredUsage(Usage Usage, bool Estimated);

    /// <summary>
    /// Counts what the answer cost and charges it. The body is let go of (<paramref name="doneWithBody"/>) right after
    /// the count: the count may read the prompt, nothing after it does, and the body need not wait out the commit.
    /// </summary>
    private Task SettleAsync(Bill bill, Usage? reported, string generated, bool isStream, Action doneWithBody)
    {
        var measured = Measure(reported, bill.Request, generated);
        doneWithBody();
        var usage = AudioTokenPricing.Weighted(measured.Usage, bill.Request.Model);
        var quota = bill.Price.QuotaFor(usage.PromptTokens, usage.CompletionTokens);
        var content = string.Create(CultureInfo.InvariantCulture,
            $"model rate {bill.Price.ModelRatio:F2}, group rate {bill.Price.GroupRatio:F2}, completion rate {bill.Price.CompletionRatio:F2}")
            + AudioTokenPricing.LogNote(measured.Usage, bill.Request.Model);
        if (measured.Estimated)
        {
            content += EstimatedNote;
        }
        return ledger.SettleAsync(new Settlement(
            bill.Caller.UserId, bill.Caller.Username, bill.Caller.TokenId, bill.Caller.TokenName, bill.Caller.TokenUnlimited,
            bill.Channel.Id, bill.Request.Model, bill.RequestId, quota, bill.Reserved, usage.PromptTokens, usage.CompletionTokens,
            (long)time.GetElapsedTime(bill.Started).TotalMilliseconds, isStream, bill.SystemPromptReset, content));
    }

    /// <summary>Appended to a consume log's content when the gateway counted the tokens itself.</summary>
    public const string EstimatedNote = "; tokens counted by the gateway (the upstream reported no usage)";

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
        bool SystemPromptReset, string RequestId, long Started);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "channel {ChannelId} failed with {Status}: {Message}")]
    private static partial void LogUpstreamFailure(ILogger logger, int channelId, int status, string message);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "stream from channel {ChannelId} broke off: {Message}")]
    private static partial void LogStreamBroken(ILogger logger, int channelId, string message);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "stream from channel {ChannelId} sent nothing for {Seconds} s; ended it")]
    private static partial void LogStreamIdle(ILogger logger, int channelId, double seconds);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "stream from channel {ChannelId} sent no usage within {Seconds} s of the client leaving; billed what arrived")]
    private static partial void LogUsageNeverCame(ILogger logger, int channelId, double seconds);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "channel {ChannelId} failed with {Status}; retrying on channel {NextChannelId}")]
    private static partial void LogRetry(ILogger logger, int channelId, int nextChannelId, int status);
}
