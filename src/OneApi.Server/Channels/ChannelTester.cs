using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors;
using OneApi.Relay.Catalog;
using OneApi.Server.Configuration;
using OneApi.Server.Relay;

namespace OneApi.Server.Channels;

/// <summary>The outcome of one channel test: the reply (or the error) and how long the upstream took.</summary>
public sealed record ChannelTestResult(bool Success, string Message, long ElapsedMs, string Model, RelayError? Error = null);

/// <summary>
/// one-api's channel test: one non-stream chat call with <c>TEST_PROMPT</c> through the channel's own adaptor and the
/// relay's own exchange with the upstream (<see cref="UpstreamCall"/>), so it tests what the relay does.
/// The response time and test time are saved on the channel and a test log (type 5) is written; nothing is billed.
/// </summary>
public sealed class ChannelTester(
    IDbContextFactory<OneApiDbContext> databases,
    ChannelAdaptors adaptors,
    UpstreamCall upstream,
    ChannelTestSettings testSettings,
    GatewaySettings settings,
    TimeProvider time)
{
    /// <summary>A test that hangs is a failed test, even when the relay itself has no timeout.</summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <param name="testerId">The user the test log belongs to (the admin who asked, or root for scheduled tests).</param>
    public async Task<ChannelTestResult> TestAsync(Channel channel, string? model, int testerId, CancellationToken cancellationToken)
    {
        model = !string.IsNullOrWhiteSpace(model) ? model : ChannelLists.Split(channel.Models).FirstOrDefault() ?? "gpt-3.5-turbo";
        var started = time.GetTimestamp();
        var (error, usage, reply) = await CallAsync(channel, model, cancellationToken);
        // The answer, the test log and root's notice are read by admins, who must not learn the channel's key.
        error = error is null ? null : UpstreamCall.WithoutSecret(error, channel.Key);
        var elapsed = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var result = new ChannelTestResult(error is null, error?.Message ?? reply, elapsed, model, error);
        await RecordAsync(channel, result, usage, testerId);
        return result;
    }

    private async Task<(RelayError? Error, Usage? Usage, string Reply)> CallAsync(Channel channel, string model, CancellationToken cancellationToken)
    {
        var route = RoutingTableStore.ToRoute(channel);
        var upstreamModel = route.ModelMapping.GetValueOrDefault(model, model);
        var adaptor = adaptors.For(channel.Type, upstreamModel);
        if (adaptor is null || !adaptor.Supports(RelayMode.ChatCompletions))
        {
            return (RelayError.NotImplemented() with { Message = $"channel type {ChannelTypes.NameOf(channel.Type)} cannot be tested with {upstreamModel} here" }, null, "");
        }
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = testSettings.Prompt }),
        };
        var request = new RelayRequest(RelayMode.ChatCompletions, body, Encoding.UTF8.GetBytes(body.ToJsonString()), model);
        request.MapModel(upstreamModel);
        var timeout = settings.RelayTimeout ?? DefaultTimeout;
        using var exchange = await upstream.ExchangeAsync(adaptor, ct => adaptor.BuildRequestAsync(request, route.Upstream, ct), route.Upstream,
            request.Model, timeout, cancellationToken);
        if (exchange.Response is not { } response)
        {
            return (exchange.Error, null, "");
        }
        var answer = await upstream.ReadAnswerAsync(adaptor, response, request, timeout, cancellationToken);
        return (answer.Error, answer.Usage, answer.CompletionText);
    }

    private async Task RecordAsync(Channel channel, ChannelTestResult result, Usage? usage, int testerId)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var responseTime = (int)Math.Min(result.ElapsedMs, int.MaxValue);
        await using var db = await databases.CreateDbContextAsync();
        await db.Channels.Where(c => c.Id == channel.Id).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.TestTime, now)
            .SetProperty(c => c.ResponseTime, responseTime));
        var outcome = result.Success ? "passed" : $"failed: {result.Message}";
        db.Logs.Add(new Log
        {
            UserId = testerId,
            Username = await db.Users.Where(u => u.Id == testerId).Select(u => u.Username).FirstOrDefaultAsync() ?? "",
            CreatedAt = now,
            Type = LogType.Test,
            Content = string.Create(CultureInfo.InvariantCulture, $"channel #{channel.Id} ({channel.Name}) test with {result.Model} {outcome}"),
            ModelName = result.Model,
            ChannelId = channel.Id,
            PromptTokens = usage?.PromptTokens ?? 0,
            CompletionTokens = usage?.CompletionTokens ?? 0,
            ElapsedTime = result.ElapsedMs,
        });
        await db.SaveChangesAsync();
    }
}
