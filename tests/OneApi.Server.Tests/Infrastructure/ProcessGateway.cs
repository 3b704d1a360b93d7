using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// The gateway as a separate process (the build output's OneApi.Server.dll) on a SQLite file that outlives it,
/// for what only a real process shows: SIGTERM, kill -9 and a restart on the same database.
/// </summary>
public sealed class ProcessGateway : IAsyncDisposable
{
    public const string RootKey = "crashtestkeycrashtestkeycrashtestkeycrashtest123";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _errors;

    private ProcessGateway(Process process, int port, ConcurrentQueue<string> errors)
    {
        _process = process;
        _errors = errors;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", TestGateway.RootAccessToken);
    }

    public int Port { get; }

    public HttpClient Http { get; }

    public int Pid => _process.Id;

    /// <param name="openFiles">Soft and hard limit on open files for the process, as <c>ulimit -n</c> sets them.</param>
    public static async Task<ProcessGateway> StartAsync(string sqlitePath, IDictionary<string, string>? environment = null, int? port = null, int? openFiles = null)
    {
        var chosenPort = port ?? FreePort();
        var server = Path.Combine(AppContext.BaseDirectory, "OneApi.Server.dll");
        var start = new ProcessStartInfo(openFiles is null ? "dotnet" : "/bin/sh",
            openFiles is null ? [server] : ["-c", $"ulimit -n {openFiles} && exec dotnet \"$0\"", server])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PORT"] = chosenPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SQLITE_PATH"] = sqlitePath;
        start.Environment["INITIAL_ROOT_ACCESS_TOKEN"] = TestGateway.RootAccessToken;
        start.Environment["INITIAL_ROOT_TOKEN"] = RootKey;
        start.Environment["GLOBAL_API_RATE_LIMIT"] = "1000000";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start)!;
        var errors = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                errors.Enqueue(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var gateway = new ProcessGateway(process, chosenPort, errors);
        await gateway.WaitUntilServingAsync();
        return gateway;
    }

    private async Task WaitUntilServingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, $"the gateway exited during start-up: {string.Join('\n', _errors)}");
            try
            {
                using var response = await Http.GetAsync("/api/status");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the gateway did not start");
    }

    public async Task<int> CreateChannelAsync(string models, string baseUrl)
    {
        using var response = await Http.PostAsJsonAsync("/api/channel/", new { type = 1, name = "proc", key = "sk-x", base_url = baseUrl, models, group = "default" });
        var envelope = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(envelope.GetProperty("success").GetBoolean(), envelope.ToString());
        return 0;
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Terminate() => Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
