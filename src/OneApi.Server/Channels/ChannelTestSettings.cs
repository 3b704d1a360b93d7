using System.Globalization;
using OneApi.Server.Configuration;

namespace OneApi.Server.Channels;

/// <summary>
/// How channels are tested: the prompt (<c>TEST_PROMPT</c>), the automatic test period in minutes
/// (<c>CHANNEL_TEST_FREQUENCY</c>, off when unset) and the pause between channels (<c>POLLING_INTERVAL</c>, seconds).
/// </summary>
public sealed record ChannelTestSettings(string Prompt, TimeSpan? Frequency, TimeSpan PollingInterval)
{
    public const string DefaultPrompt = "2 + 2 = ?";

    public static ChannelTestSettings From(IConfiguration config) => new(
        config["TEST_PROMPT"] is { Length: > 0 } prompt ? prompt : DefaultPrompt,
        Minutes(config, "CHANNEL_TEST_FREQUENCY") is { } minutes and > 0 ? TimeSpan.FromMinutes(minutes) : null,
        TimeSpan.FromSeconds(Minutes(config, "POLLING_INTERVAL") ?? 0));

    private static int? Minutes(IConfiguration config, string name)
    {
        var raw = config[name]?.Trim();
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }
        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new InvalidSettingException(name, raw, "expected a whole number ≥ 0");
    }
}
