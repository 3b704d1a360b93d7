using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Deployment;

/// <summary>
/// Idle memory is mostly code: every assembly a node loads costs its mapped pages and the types and methods built from
/// it. A SQLite node without Redis, OpenTelemetry or log files has no use for the other drivers and exporters.
/// </summary>
public sealed class IdleFootprintTests
{
    private static readonly string[] UnusedOnAPlainNode =
    [
        "Npgsql.dll", "MySql.Data.dll", "MySql.EntityFrameworkCore.dll", "Npgsql.EntityFrameworkCore.PostgreSQL.dll",
        "StackExchange.Redis.dll", "OpenTelemetry.dll", "Serilog.dll", "Google.Apis.Auth.dll",
    ];

    [Fact]
    public async Task SqliteNodeServingRequests_LoadsNoOtherDriverOrExporter()
    {
        var directory = Directory.CreateTempSubdirectory("oneapi-footprint");
        try
        {
            await using var gateway = await ProcessGateway.StartAsync(Path.Combine(directory.FullName, "one-api.db"));
            using var ready = await gateway.Http.GetAsync("/readyz");
            using var channels = await gateway.Http.GetAsync("/api/channel/?p=0");
            Assert.True(ready.IsSuccessStatusCode && channels.IsSuccessStatusCode);

            var mapped = await File.ReadAllTextAsync($"/proc/{gateway.Pid}/maps");

            Assert.Contains("Microsoft.EntityFrameworkCore.Sqlite.dll", mapped, StringComparison.Ordinal);
            var loaded = UnusedOnAPlainNode.Where(name => mapped.Contains("/" + name, StringComparison.Ordinal)).ToList();
            Assert.True(loaded.Count == 0, "loaded without a use: " + string.Join(", ", loaded));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
