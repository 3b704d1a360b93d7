using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Catalog;
using OneApi.Relay.OpenAI;
using OneApi.Relay.Streaming;

namespace OneApi.Relay.Adaptors.Replicate;

/// <summary>
/// Replicate's predictions API (https://replicate.com/docs/reference/http), channel type 46. A request creates a
/// prediction of the official model, <c>POST {base}/v1/models/{owner}/{name}/predictions</c> with a Bearer key
/// (<c>Prefer: wait</c> unless it streams, so quick models answer at once), and is then followed: a stream opens the
/// prediction's <c>urls.stream</c>, anything else polls <c>urls.get</c> until the prediction ends or the poll timeout
/// passes (then it is canceled, so it stops costing). one-api called api.replicate.com whatever the base URL; here the
/// channel's base URL is honoured.
/// </summary>
public sealed class ReplicateHost(TimeProvider time, TimeSpan pollTimeout) : IUpstreamHost
{
    public const string DefaultBaseUrl = "https://api.replicate.com";

    /// <summary>As often as Replicate's own Python client polls.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>What following a created prediction needs to know, carried on the create request.</summary>
    private sealed record Creation(UpstreamPayload Payload, string Root);

    private static readonly HttpRequestOptionsKey<Creation> CreationKey = new("OneApi.Replicate.Creation");

    public HostKind Kind => HostKind.Replicate;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var root = Root(channel);
        var model = string.Join('/', payload.Model.Split('/').Select(Uri.EscapeDataString));
        var message = new HttpRequestMessage(HttpMethod.Post, $"{root}/v1/models/{model}/predictions") { Content = payload.ToContent() };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", channel.Key);
        if (!payload.Stream)
        {
            message.Headers.Add("Prefer", "wait");
        }
        message.Options.Set(CreationKey, new Creation(payload, root));
        return ValueTask.FromResult(message);
    }

    /// <summary>The base URL; one-api's default for the type (<c>…/v1/models/</c>), still in channels it made, is cut back to the host.</summary>
    public static string Root(UpstreamChannel channel)
    {
        var root = ChannelTypes.BaseUrlOf(channel).TrimEnd('/');
        foreach (var suffix in (string[])["/v1/models", "/v1"])
        {
            if (root.EndsWith(suffix, StringComparison.Ordinal))
            {
                root = root[..^suffix.Length];
            }
        }
        return root.Length > 0 ? root : DefaultBaseUrl;
    }

    public async Task<UpstreamReply> FollowAsync(HttpResponseMessage accepted, UpstreamSend send, CancellationToken cancellationToken)
    {
        if (accepted.RequestMessage is not { } created || !created.Options.TryGetValue(CreationKey, out var creation))
        {
            return new UpstreamReply(accepted, null);
        }
        var (payload, root) = creation;
        var started = time.GetTimestamp();
        var answer = accepted;
        while (true)
        {
            ReplicatePrediction? prediction;
            using (answer)
            {
                prediction = ReplicatePrediction.Parse(await answer.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            }
            if (prediction is null)
            {
                return new UpstreamReply(null, RelayError.UpstreamMalformed("Replicate's answer is not a prediction"));
            }
            if (prediction.Failure is { } failure)
            {
                return new UpstreamReply(null, failure);
            }
            if (payload.Stream)
            {
                return await OpenStreamAsync(prediction, root, created, send, cancellationToken).ConfigureAwait(false);
            }
            if (prediction.HasEnded)
            {
                return await AnswerAsync(prediction, payload.InlineFiles, send, cancellationToken).ConfigureAwait(false);
            }
            if (time.GetElapsedTime(started) >= pollTimeout)
            {
                await CancelAsync(prediction, root, created, send).ConfigureAwait(false);
                return new UpstreamReply(null, ReplicateErrors.TimedOut(pollTimeout));
            }
            var polled = await PollAsync(prediction, root, created, send, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                // The client left: nobody will read the answer, so the prediction should stop costing.
                polled.Response?.Dispose();
                await CancelAsync(prediction, root, created, send).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (polled.Response is not { IsSuccessStatusCode: true } next)
            {
                return polled;
            }
            answer = next;
        }
    }

    /// <summary>The prediction after a pause; a pause the client cut short sends nothing.</summary>
    private async Task<UpstreamReply> PollAsync(ReplicatePrediction prediction, string root, HttpRequestMessage created, UpstreamSend send,
        CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return default;
        }
        return await send(Get(prediction.GetUrl ?? $"{root}/v1/predictions/{prediction.Id}", created), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The prediction's SSE, handed out with the way to the ended prediction, whose metrics count the tokens.</summary>
    private async Task<UpstreamReply> OpenStreamAsync(ReplicatePrediction prediction, string root, HttpRequestMessage created, UpstreamSend send,
        CancellationToken cancellationToken)
    {
        if (prediction.StreamUrl is not { } url)
        {
            return new UpstreamReply(null, ReplicateErrors.NoStream());
        }
        var opened = await send(Get(url, created, "text/event-stream"), cancellationToken).ConfigureAwait(false);
        if (opened.Response is not { IsSuccessStatusCode: true } sse)
        {
            return opened;
        }
        var events = new HttpResponseMessage(HttpStatusCode.OK) { Content = new PredictionStream.Content(sse, ct => EndedAsync(prediction, root, created, send, ct)) };
        return new UpstreamReply(events, null);
    }

    /// <summary>The prediction once it has ended (its stream said <c>done</c>, so that is now or soon); null when it cannot be read in the poll timeout.</summary>
    private async Task<JsonObject?> EndedAsync(ReplicatePrediction prediction, string root, HttpRequestMessage created, UpstreamSend send,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < pollTimeout)
        {
            var polled = await send(Get(prediction.GetUrl ?? $"{root}/v1/predictions/{prediction.Id}", created), cancellationToken).ConfigureAwait(false);
            using var response = polled.Response;
            if (response is not { IsSuccessStatusCode: true })
            {
                return null;
            }
            if (ReplicatePrediction.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)) is not { } now)
            {
                return null;
            }
            if (now.HasEnded)
            {
                return now.Json;
            }
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
        return null;
    }

    /// <summary>
    /// Replicate's SSE events, each as <c>{"event", "data"}</c> (its <c>output</c> events carry bare text, so the name
    /// is needed to read them), up to <c>done</c>; then, from a stream this host opened, a <c>prediction</c> event
    /// with the ended prediction, for its token metrics.
    /// </summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadEventsAsync(Stream upstream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var sse in SseReader.ReadAsync(upstream, cancellationToken).ConfigureAwait(false))
        {
            yield return Event(sse.EventType, System.Text.Encoding.UTF8.GetString(sse.Data));
            if (sse.EventType == "done")
            {
                break;
            }
        }
        if (upstream is PredictionStream prediction && await prediction.EndedAsync(cancellationToken).ConfigureAwait(false) is { } ended)
        {
            yield return Event("prediction", ended.ToJsonString());
        }
    }

    private static byte[] Event(string name, string data) => JsonWire.Serialize(new JsonObject { ["event"] = name, ["data"] = data });

    /// <summary>The ended prediction as the answer to read, its files fetched into data URLs when the client wants bytes.</summary>
    private static async Task<UpstreamReply> AnswerAsync(ReplicatePrediction prediction, bool inlineFiles, UpstreamSend send, CancellationToken cancellationToken)
    {
        if (inlineFiles && prediction.Json["output"] is not null)
        {
            var files = new JsonArray();
            foreach (var url in prediction.Output)
            {
                if (!url.StartsWith("http", StringComparison.OrdinalIgnoreCase))
                {
                    files.Add(url);
                    continue;
                }
                var fetched = await send(new HttpRequestMessage(HttpMethod.Get, url), cancellationToken).ConfigureAwait(false);
                if (fetched.Response is not { IsSuccessStatusCode: true } file)
                {
                    return fetched;
                }
                using (file)
                {
                    var bytes = await file.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                    files.Add($"data:{file.Content.Headers.ContentType?.MediaType ?? "image/png"};base64,{Convert.ToBase64String(bytes)}");
                }
            }
            prediction.Json["output"] = files;
        }
        return new UpstreamReply(new HttpResponseMessage(HttpStatusCode.OK) { Content = UpstreamPayload.JsonContent(prediction.Json) }, null);
    }

    /// <summary>Stops a prediction nobody waits for any more; Replicate bills its running time. Best effort.</summary>
    private static async Task CancelAsync(ReplicatePrediction prediction, string root, HttpRequestMessage created, UpstreamSend send)
    {
        using var cancel = Authorized(HttpMethod.Post, prediction.CancelUrl ?? $"{root}/v1/predictions/{prediction.Id}/cancel", created);
        var reply = await send(cancel, CancellationToken.None).ConfigureAwait(false);
        reply.Response?.Dispose();
    }

    private static HttpRequestMessage Get(string url, HttpRequestMessage created, string? accept = null)
    {
        var request = Authorized(HttpMethod.Get, url, created);
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            request.Headers.CacheControl = new CacheControlHeaderValue { NoStore = true };
        }
        return request;
    }

    /// <summary>A request to one of the prediction's URLs with the key the prediction was created with.</summary>
    private static HttpRequestMessage Authorized(HttpMethod method, string url, HttpRequestMessage created) =>
        new(method, url) { Headers = { Authorization = created.Headers.Authorization } };
}
