using Microsoft.EntityFrameworkCore;

namespace OneApi.Data.Tests;

/// <summary>The SQLite file holds password hashes and keys: other local users of the machine cannot read it.</summary>
public sealed class SqliteFileModeTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task NewDatabase_AndItsWalAndShm_AreOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }
        using var file = new SqliteFile();
        await using var db = file.CreateContext();
        await SchemaInitializer.EnsureSchemaAsync(db);
        await db.Database.OpenConnectionAsync();
        db.Options.Add(new Entities.Option { Key = "k", Value = "v" });
        await db.SaveChangesAsync();

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(file.Path));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(file.Path + "-wal"));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(file.Path + "-shm"));
    }

    [Fact]
    public void ExistingDatabase_KeepsTheModeItsOperatorChose()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }
        var directory = Directory.CreateTempSubdirectory("oneapi-mode-");
        try
        {
            var path = Path.Combine(directory.FullName, "one-api.db");
            File.WriteAllBytes(path, []);
            var shared = OwnerOnly | UnixFileMode.GroupRead;
            File.SetUnixFileMode(path, shared);

            DatabaseSettings.Choose("", path, 3000);

            Assert.Equal(shared, File.GetUnixFileMode(path));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
