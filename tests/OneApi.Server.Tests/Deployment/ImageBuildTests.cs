using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Deployment;

/// <summary>
/// The container image's build steps (<c>scripts/build-image-root.sh</c>, which the Dockerfile runs) on a copy of the
/// sources in a scratch folder, outside a container; then the result is started as the image would start it.
/// </summary>
public sealed class ImageBuildTests
{
    private static readonly string[] SourceEntries =
        ["src", "web", "scripts", "Directory.Build.props", "Directory.Packages.props", "global.json", "Dockerfile"];

    [Fact]
    public async Task BuildScript_InAScratchFolder_BuildsAnImageRootThatServes()
    {
        var repository = RepositoryRoot();
        var scratch = Directory.CreateTempSubdirectory("oneapi-image-");
        try
        {
            foreach (var entry in SourceEntries)
            {
                Copy(Path.Combine(repository, entry), Path.Combine(scratch.FullName, entry));
            }
            var rootfs = Path.Combine(scratch.FullName, "rootfs");

            var (exitCode, output) = await RunAsync("bash", [Path.Combine(scratch.FullName, "scripts", "build-image-root.sh"), rootfs], TimeSpan.FromMinutes(15));
            Assert.True(exitCode == 0, output);
            Assert.True(Directory.Exists(Path.Combine(rootfs, "data")));

            var port = ProcessGateway.FreePort();
            var server = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(rootfs, "app", "OneApi.Server.dll")])
            {
                WorkingDirectory = Path.Combine(rootfs, "data"),
                Environment = { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["SQLITE_PATH"] = Path.Combine(rootfs, "data", "one-api.db") },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            // read both pipes, or the server blocks once they fill
            var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
            server.OutputDataReceived += (_, line) => log.Enqueue(line.Data ?? "");
            server.ErrorDataReceived += (_, line) => log.Enqueue(line.Data ?? "");
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
                var ready = await WaitUntilReadyAsync(http, server, log);
                using var status = await http.GetAsync("/api/status");
                var version = JsonDocument.Parse(await status.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("version").GetString();

                Assert.Equal(HttpStatusCode.OK, ready);
                Assert.StartsWith("v", version, StringComparison.Ordinal);
                Assert.True(File.Exists(Path.Combine(rootfs, "data", "one-api.db")));
                if (File.Exists(Path.Combine(rootfs, "app", "wwwroot", "index.html")))
                {
                    using var console = await http.GetAsync("/");
                    Assert.Contains("<html", await console.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
                }
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    [Fact]
    public void Dockerfile_BuildsWithTheScript_AndRunsUnprivilegedOnPort3000WithDataAndFfprobe()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot(), "Dockerfile"));

        Assert.Contains("scripts/build-image-root.sh", dockerfile, StringComparison.Ordinal);
        Assert.Contains("USER app", dockerfile, StringComparison.Ordinal);
        Assert.Contains("EXPOSE 3000", dockerfile, StringComparison.Ordinal);
        Assert.Contains("VOLUME /data", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ffmpeg", dockerfile, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> WaitUntilReadyAsync(HttpClient http, Process server, IEnumerable<string> log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(server.HasExited, "the built server exited: " + string.Join('\n', log));
            try
            {
                using var response = await http.GetAsync("/readyz");
                if (response.IsSuccessStatusCode || DateTime.UtcNow > deadline)
                {
                    return response.StatusCode;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
            }
            await Task.Delay(200);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, TimeSpan limit)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Copies a file or a folder, leaving out build output and installed packages.</summary>
    private static void Copy(string source, string target)
    {
        if (File.Exists(source))
        {
            File.Copy(source, target);
            return;
        }
        Directory.CreateDirectory(target);
        foreach (var entry in Directory.EnumerateFileSystemEntries(source))
        {
            var name = Path.GetFileName(entry);
            if (name is not ("bin" or "obj" or "node_modules" or "dist" or "wwwroot" or "test-results" or "playwright-report"))
            {
                Copy(entry, Path.Combine(target, name));
            }
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OneApi.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("the repository root (OneApi.slnx) is not above " + AppContext.BaseDirectory);
    }
}
