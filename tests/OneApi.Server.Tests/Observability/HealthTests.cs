using System.Net;
using System.Text.Json;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Observability;

public sealed class HealthTests
{
    [Fact]
    public async Task RunningGateway_IsLiveAndReady()
    {
        var settings = TestGateway.RedisAddress is { } redis ? new Dictionary<string, string?> { ["REDIS_CONN_STRING"] = redis } : null;
        await using var gateway = await TestGateway.StartAsync("sqlite", settings);

        using var live = await gateway.Http.GetAsync("/healthz");
        var (status, ready) = await ReadyAsync(gateway.Http);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(ready.GetProperty("ready").GetBoolean());
        Assert.Equal("ok", ready.GetProperty("database").GetString());
        Assert.Equal(settings is null ? "off" : "ok", ready.GetProperty("redis").GetString());
    }

    [Fact]
    public async Task RedisUnreachable_IsNotReady_ButLive()
    {
        await using var gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?> { ["REDIS_CONN_STRING"] = $"127.0.0.1:{ProcessGateway.FreePort()}" });

        using var live = await gateway.Http.GetAsync("/healthz");
        var (status, ready) = await ReadyAsync(gateway.Http);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(("unreachable", "ok"), (ready.GetProperty("redis").GetString(), ready.GetProperty("database").GetString()));
    }

    [Fact]
    public async Task DatabaseGone_IsNotReady()
    {
        if (TestGateway.PostgresDsn is null)
        {
            return; // a SQLite file cannot be taken away from a process that has it open
        }
        await using var gateway = await TestGateway.StartAsync("postgres");
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(gateway.Http)).Status);

        await gateway.DropDatabaseAsync();
        var (status, ready) = await ReadyAsync(gateway.Http);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unreachable", ready.GetProperty("database").GetString());
    }

    [Fact]
    public async Task Sigterm_DrainsAsNotReadyWhileServing_ThenExits()
    {
        var directory = Directory.CreateTempSubdirectory("oneapi-drain-");
        try
        {
            await using var gateway = await ProcessGateway.StartAsync(Path.Combine(directory.FullName, "one-api.db"),
                new Dictionary<string, string> { ["SHUTDOWN_DRAIN_SECONDS"] = "3" });
            Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(gateway.Http)).Status);

            gateway.Terminate();
            // The signal reaches the process in a moment, later on a loaded machine; the drain lasts 3 s.
            var (status, ready) = await ReadyAsync(gateway.Http);
            for (var tries = 0; status == HttpStatusCode.OK && tries < 20; tries++)
            {
                await Task.Delay(100);
                (status, ready) = await ReadyAsync(gateway.Http);
            }
            using var stillServing = await gateway.Http.GetAsync("/api/status");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.True(ready.GetProperty("draining").GetBoolean());
            Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
            Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/readyz");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
