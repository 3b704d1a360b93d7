using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Cluster;

namespace OneApi.Server.Options;

/// <summary>Holds the current <see cref="RuntimeOptions"/> snapshot and replaces it when the options table changes.</summary>
public sealed class OptionStore(IDbContextFactory<OneApiDbContext> databases, IClusterSignals signals)
{
    private RuntimeOptions _current = RuntimeOptions.Initial;
    private readonly SemaphoreSlim _writes = new(1, 1);

    public RuntimeOptions Current => Volatile.Read(ref _current);

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.Options.ToDictionaryAsync(o => o.Key, o => o.Value, cancellationToken);
        Volatile.Write(ref _current, RuntimeOptions.From(stored));
    }

    /// <summary>Stores one option and swaps in a snapshot that has it, so the next request already sees the change.</summary>
    public async Task SaveAsync(string key, string value, CancellationToken cancellationToken)
    {
        // Writers take turns so two saves cannot each publish a snapshot missing the other's key.
        await _writes.WaitAsync(cancellationToken);
        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var updated = await db.Options.Where(o => o.Key == key).ExecuteUpdateAsync(s => s.SetProperty(o => o.Value, value), cancellationToken);
            if (updated == 0)
            {
                db.Options.Add(new Option { Key = key, Value = value });
                await db.SaveChangesAsync(cancellationToken);
            }
            await ReloadAsync(cancellationToken);
        }
        finally
        {
            _writes.Release();
        }
        await signals.PublishAsync(ClusterChange.Options, cancellationToken);
    }
}
