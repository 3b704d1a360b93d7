using OneApi.Relay.Abstractions;

namespace OneApi.Server.Relay;

public sealed partial class MediaRelay
{
    /// <summary>
    /// The length of a transcription's or translation's audio, read before the call so that a file ffprobe cannot
    /// read (not audio, or broken) is refused instead of sent upstream and billed by whatever text comes back.
    /// Null seconds without an error: not an audio request, or no ffprobe on this machine (billed by the text then).
    /// </summary>
    private static async Task<(double? Seconds, RelayError? Error)> AudioSecondsAsync(MediaRequest request, CancellationToken aborted)
    {
        if (request.Mode is not (RelayMode.AudioTranscription or RelayMode.AudioTranslation) || !AudioDuration.Available)
        {
            return (null, null);
        }
        return await AudioDuration.SecondsAsync(request.File!.Data, aborted) is { } seconds
            ? (seconds, null)
            : (null, RelayError.InvalidRequest($"the duration of {request.File.FileName} cannot be read: it is not an audio file ffprobe knows",
                "invalid_audio_file") with { Param = "file" });
    }
}
