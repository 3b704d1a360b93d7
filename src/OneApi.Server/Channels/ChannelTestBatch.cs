using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Mail;
using OneApi.Server.Options;

namespace OneApi.Server.Channels;

/// <summary>
/// Tests every channel (or only the disabled ones) in the background, one at a time with <c>POLLING_INTERVAL</c>
/// between them, and applies one-api's health rules when <c>AutomaticDisableChannelEnabled</c>: an enabled channel
/// whose upstream says the account is unusable (<see cref="ChannelDisablePolicy"/>), or that answers slower than
/// <c>ChannelDisableThreshold</c> seconds, is disabled; an automatically disabled channel that passes is enabled again
/// when <c>AutomaticEnableChannelEnabled</c>. Unlike Laisky's one-api, a test that fails for a reason of its own (it
/// timed out, the test model is unknown, the type cannot be tested) leaves a healthy channel alone.
/// Only one batch runs at a time. As in one-api, root is told when a batch started from the console finishes.
/// </summary>
public sealed partial class ChannelTestBatch(
    IDbContextFactory<OneApiDbContext> databases,
    ChannelTester tester,
    ChannelAutoDisabler disabler,
    RoutingTableStore routing,
    OptionStore options,
    ChannelTestSettings settings,
    RootNotifier notifier,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<ChannelTestBatch> logger)
{
    private int _running;

    public bool IsRunning => Volatile.Read(ref _running) == 1;

    /// <summary>Starts a batch unless one is running; returns whether it started.</summary>
    public bool TryStart(bool disabledOnly, int testerId, bool notifyRoot = true)
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return false;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await RunAsync(disabledOnly, testerId, notifyRoot, lifetime.ApplicationStopping);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
        });
        return true;
    }

    /// <summary>Runs a batch to the end; the scheduled test awaits this directly.</summary>
    public async Task RunAsync(bool disabledOnly, int testerId, bool notifyRoot, CancellationToken cancellationToken)
    {
        List<Channel> channels;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            channels = await db.Channels.Where(c => !disabledOnly || c.Status != ChannelStatus.Enabled).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        }
        var (passed, disabled, enabled) = (0, 0, 0);
        foreach (var channel in channels)
        {
            var result = await tester.TestAsync(channel, null, testerId, cancellationToken);
            passed += result.Success ? 1 : 0;
            var o = options.Current;
            var slow = result.ElapsedMs > o.GetDouble("ChannelDisableThreshold", 5) * 1000;
            var condemned = result.Success ? slow : result.Error is { } error && ChannelDisablePolicy.ShouldDisable(error);
            if (channel.Status == ChannelStatus.Enabled && condemned && o.GetBool("AutomaticDisableChannelEnabled"))
            {
                await disabler.DisableAsync(channel.Id, result.Success ? $"test took {result.ElapsedMs} ms" : result.Message);
                disabled++;
            }
            else if (channel.Status == ChannelStatus.AutoDisabled && result.Success && !slow && o.GetBool("AutomaticEnableChannelEnabled"))
            {
                await EnableAsync(channel.Id, cancellationToken);
                enabled++;
            }
            if (settings.PollingInterval > TimeSpan.Zero)
            {
                await Task.Delay(settings.PollingInterval, time, cancellationToken);
            }
        }
        LogFinished(logger, channels.Count, passed, disabled, enabled);
        if (notifyRoot)
        {
            notifier.Notify("Channel test finished",
                $"{channels.Count} channels tested: {passed} passed, {disabled} disabled, {enabled} enabled again. Each disabled channel has its own notice.");
        }
    }

    private async Task EnableAsync(int channelId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.Channels.Where(c => c.Id == channelId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ChannelStatus.Enabled), cancellationToken);
        await db.Abilities.Where(a => a.ChannelId == channelId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Enabled, true), cancellationToken);
        await routing.ChangedAsync(cancellationToken);
        LogEnabled(logger, channelId);
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "channel test finished: {Count} tested, {Passed} passed, {Disabled} disabled, {Enabled} enabled")]
    private static partial void LogFinished(ILogger logger, int count, int passed, int disabled, int enabled);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "channel {ChannelId} passed its test and was enabled again")]
    private static partial void LogEnabled(ILogger logger, int channelId);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Error, Message = "channel test batch failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
