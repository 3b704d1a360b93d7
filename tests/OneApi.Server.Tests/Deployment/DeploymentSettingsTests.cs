using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OneApi.Server.Background;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Deployment;

public sealed class DeploymentSettingsTests
{
    [Fact]
    public async Task SlaveNode_ServesTheMastersDatabase_RedirectsPagesToTheFrontend_AndLeavesOnceOnlyJobsToTheMaster()
    {
        await using var master = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?> { ["CHANNEL_TEST_FREQUENCY"] = "60" });
        await using var slave = await master.StartPeerAsync(new Dictionary<string, string?>
        {
            ["NODE_TYPE"] = "slave",
            ["FRONTEND_BASE_URL"] = "https://console.example.com/",
        });
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(slave.BaseUrl) };

        using var page = await noRedirects.GetAsync("/token?p=1");
        using var status = await noRedirects.GetAsync("/api/status");
        using var masterPage = await master.Http.GetAsync("/api/status");

        Assert.Equal(HttpStatusCode.MovedPermanently, page.StatusCode);
        Assert.Equal("https://console.example.com/token?p=1", page.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.OK, masterPage.StatusCode);
        static bool RunsOnceOnlyJobs(TestGateway node) =>
            node.Services.GetServices<IHostedService>().Any(s => s is ChannelTestSchedule or RequestCostPurge);
        Assert.True(RunsOnceOnlyJobs(master));
        Assert.False(RunsOnceOnlyJobs(slave));
    }

    [Fact]
    public async Task SlaveNode_OnAnEmptyDatabase_CreatesNoTables()
    {
        var directory = Directory.CreateTempSubdirectory("oneapi-slave-");
        try
        {
            var path = Path.Combine(directory.FullName, "one-api.db");
            await Assert.ThrowsAnyAsync<Exception>(() => TestGateway.StartAsync("sqlite", new Dictionary<string, string?>
            {
                ["NODE_TYPE"] = "slave",
                ["SQLITE_PATH"] = path,
            }));

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
            await connection.OpenAsync();
            await using var tables = connection.CreateCommand();
            tables.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
            Assert.Equal(0L, await tables.ExecuteScalarAsync());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RelayProxy_CarriesUpstreamCalls()
    {
        // The fake upstream stands in as the proxy: it gets the absolute URL of an upstream that does not resolve.
        await using var proxy = await FakeOpenAIUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?> { ["RELAY_PROXY"] = proxy.Root });
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", $"http://upstream.invalid/{account.Group}/ok");

        using var response = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // upstream.invalid cannot resolve: only the proxy can have taken the call
        Assert.Equal("/v1/chat/completions", Assert.Single(proxy.Requests(account.Group)).Path);
    }
}
