using System.Diagnostics;
using System.Globalization;

namespace OneApi.Server.Relay;

/// <summary>
/// The length of an uploaded audio file by <c>ffprobe</c>, as Laisky's one-api bills whisper (it expects
/// <c>/usr/bin/ffprobe</c> in the image). Null when ffprobe is absent or cannot read the file; the relay then
/// bills the returned text (no ffprobe) or refuses the file (unreadable).
/// </summary>
public static class AudioDuration
{
    public const string FfprobePath = "/usr/bin/ffprobe";

    public static bool Available => File.Exists(FfprobePath);

    public static async Task<double?> SecondsAsync(byte[] audio, CancellationToken cancellationToken)
    {
        if (!Available)
        {
            return null;
        }
        var path = Path.Combine(Path.GetTempPath(), "oneapi-audio-" + Guid.NewGuid().ToString("N"));
        try
        {
            await File.WriteAllBytesAsync(path, audio, cancellationToken);
            using var process = Process.Start(new ProcessStartInfo(FfprobePath,
                ["-v", "error", "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(30));
            string output;
            try
            {
                output = await process.StandardOutput.ReadToEndAsync(deadline.Token);
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            return process.ExitCode == 0 && double.TryParse(output.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
                ? seconds
                : null;
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or OperationCanceledException or InvalidOperationException)
        {
            return null;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
