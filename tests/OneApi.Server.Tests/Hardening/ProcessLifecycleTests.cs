using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Hardening;

/// <summary>kill -9 and SIGTERM against a real gateway process: nothing a client saw complete goes unbilled.</summary>
public sealed class ProcessLifecycleTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private FakeOpenAIUpstream _upstream = null!;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("oneapi-proc-");

    private string DatabasePath => Path.Combine(_directory.FullName, "one-api.db");

    public async Task InitializeAsync() => _upstream = await FakeOpenAIUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static HttpRequestMessage Chat(bool stream = false) => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent($$"""{"model":"gpt-4o-mini","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        Headers = { Authorization = new("Bearer", "sk-" + ProcessGateway.RootKey) },
    };

    private HashSet<string> LoggedRequestIds()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT request_id FROM logs WHERE type = 2";
        using var reader = command.ExecuteReader();
        var ids = new HashSet<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    [Fact]
    public async Task KillMinus9UnderLoad_EveryAnswerTheClientsReceivedIsLoggedAndBilled()
    {
        var completed = new ConcurrentBag<string>();
        await using (var gateway = await ProcessGateway.StartAsync(DatabasePath))
        {
            await gateway.CreateChannelAsync("gpt-4o-mini", _upstream.BaseUrl("crash", "ok"));
            using (var warmUp = Chat())
            using (var first = await gateway.Http.SendAsync(warmUp))
            {
                Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            }
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var request = Chat();
                        using var response = await gateway.Http.SendAsync(request);
                        var body = await response.Content.ReadAsStringAsync();
                        if (response.StatusCode == HttpStatusCode.OK && body.Contains("chat.completion", StringComparison.Ordinal))
                        {
                            completed.Add(response.Headers.GetValues("X-Oneapi-Request-Id").Single());
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        // the kill cuts requests in flight; those were never complete for the client
                    }
                }
            })).ToArray();

            // Kill while the load runs: once enough answers are in (a slow CI machine takes longer), or after 15 s.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (completed.Count < 200 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            gateway.Kill();
            await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10));
            stop.Cancel();
            await Task.WhenAll(clients);
        }

        Assert.True(completed.Count > 20, $"only {completed.Count} requests completed before the kill");
        // A restart on the same file must open it and see the same ledger.
        await using (await ProcessGateway.StartAsync(DatabasePath))
        {
            var logged = LoggedRequestIds();
            var missing = completed.Where(id => !logged.Contains(id)).ToList();
            output.WriteLine($"crash test: {completed.Count} answers completed before kill -9, {logged.Count} consume logs, {missing.Count} missing");
            Assert.Empty(missing);
        }
    }

    [Fact]
    public async Task Sigterm_LetsTheStreamInFlightFinish_BillsIt_AndExitsCleanly()
    {
        await using var gateway = await ProcessGateway.StartAsync(DatabasePath, new Dictionary<string, string> { ["SHUTDOWN_TIMEOUT"] = "20" });
        await gateway.CreateChannelAsync("gpt-4o-mini", _upstream.BaseUrl("term", "slow-stream"));

        using var request = Chat(stream: true);
        using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var requestId = response.Headers.GetValues("X-Oneapi-Request-Id").Single();
        var bodyTask = response.Content.ReadAsStringAsync();
        await Task.Delay(300);
        gateway.Terminate();

        var body = await bodyTask.WaitAsync(TimeSpan.FromSeconds(20));
        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.Contains("word199", body, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
        Assert.Contains(requestId, LoggedRequestIds());
    }

    [Fact]
    public async Task BatchUpdates_AreHeldForTheirInterval_AndAllWrittenOnSigterm()
    {
        var requestIds = new List<string>();
        await using (var gateway = await ProcessGateway.StartAsync(DatabasePath, new Dictionary<string, string>
        {
            ["BATCH_UPDATE_ENABLED"] = "true",
            ["BATCH_UPDATE_INTERVAL"] = "600",
        }))
        {
            await gateway.CreateChannelAsync("gpt-4o-mini", _upstream.BaseUrl("batch", "ok"));
            for (var i = 0; i < 5; i++)
            {
                using var request = Chat();
                using var response = await gateway.Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                requestIds.Add(response.Headers.GetValues("X-Oneapi-Request-Id").Single());
            }
            Assert.Empty(LoggedRequestIds()); // still batched: the interval has not passed

            gateway.Terminate();
            Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }

        Assert.Equal(requestIds.Order(), LoggedRequestIds().Order());
    }
}
