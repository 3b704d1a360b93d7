using System.Text;
using System.Text.Json;

namespace OneApi.Relay.OpenAI;

/// <summary>
/// The spoken text of a transcription or translation answer, in any of OpenAI's <c>response_format</c>s
/// (https://platform.openai.com/docs/api-reference/audio/createTranscription): <c>json</c> and <c>verbose_json</c>
/// carry it in <c>text</c>; <c>srt</c> and <c>vtt</c> interleave it with cue numbers and timings; <c>text</c> is it.
/// </summary>
public static class TranscriptionText
{
    public static string From(ReadOnlySpan<byte> body, string? responseFormat)
    {
        var raw = Encoding.UTF8.GetString(body);
        switch (responseFormat)
        {
            case null or "" or "json" or "verbose_json":
                try
                {
                    using var document = JsonDocument.Parse(body.ToArray());
                    return document.RootElement.ValueKind == JsonValueKind.Object &&
                           document.RootElement.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                        ? text.GetString()!
                        : "";
                }
                catch (JsonException)
                {
                    return raw;
                }
            case "srt" or "vtt":
                return string.Join('\n', raw.Split('\n').Select(l => l.Trim()).Where(IsCueText));
            default:
                return raw;
        }
    }

    private static bool IsCueText(string line) =>
        line.Length > 0 && !line.StartsWith("WEBVTT", StringComparison.Ordinal) &&
        !line.Contains("-->", StringComparison.Ordinal) && !line.All(char.IsAsciiDigit);
}
