using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Data;
using OneApi.Server.Tests.Admin;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Security;

/// <summary>A gateway's fresh SQLite database, with its WAL and shared-memory files, is readable by its owner only.</summary>
public sealed class DatabaseFileModeTests
{
    [Fact]
    public async Task FreshGateway_WritesItsDatabaseOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }
        await using var gateway = await TestGateway.StartAsync("sqlite");
        (await gateway.Admin.PostJsonAsync("/api/token/", new { name = "written", remain_quota = 1, expired_time = -1 })).Data();

        var path = new SqliteConnectionStringBuilder(gateway.Services.GetRequiredService<DatabaseSettings>().ConnectionString).DataSource;
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }
}
