using System.Diagnostics;
using System.Text;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>Audio files of a known length, for transcriptions billed by duration.</summary>
public static class TestAudio
{
    private const int SampleRate = 8000;

    /// <summary>A mono 16-bit PCM WAV of silence, written by hand so its length is exact.</summary>
    public static byte[] Wav(int seconds)
    {
        var dataLength = seconds * SampleRate * 2;
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.ASCII, leaveOpen: true))
        {
            writer.Write("RIFF"u8);
            writer.Write(36 + dataLength);
            writer.Write("WAVEfmt "u8);
            writer.Write(16);
            writer.Write((short)1); // PCM
            writer.Write((short)1); // mono
            writer.Write(SampleRate);
            writer.Write(SampleRate * 2);
            writer.Write((short)2);
            writer.Write((short)16);
            writer.Write("data"u8);
            writer.Write(dataLength);
            writer.Write(new byte[dataLength]);
        }
        return stream.ToArray();
    }

    /// <summary>An MP3 of a sine tone encoded by ffmpeg (which the project's test set-up installs with ffprobe).</summary>
    public static async Task<byte[]> Mp3Async(int seconds)
    {
        var path = Path.Combine(Path.GetTempPath(), $"oneapi-test-{Guid.NewGuid():N}.mp3");
        try
        {
            using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg",
                ["-v", "error", "-f", "lavfi", "-i", $"sine=frequency=440:duration={seconds}", "-ar", "16000", "-ac", "1", path])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var errors = await ffmpeg.StandardError.ReadToEndAsync();
            await ffmpeg.WaitForExitAsync();
            Assert.True(ffmpeg.ExitCode == 0, "ffmpeg could not make the MP3: " + errors);
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
