using Microsoft.EntityFrameworkCore;
using OneApi.Data;

namespace OneApi.Server.Options;

/// <summary>Holds the current <see cref="RuntimeOptions"/> snapshot and replaces it when the options table changes.</summary>
public sealed class OptionStore(IDbContextFactory<OneApiDbContext> databases)
{
    private RuntimeOptions _current = RuntimeOptions.Initial;

    public RuntimeOptions Current => Volatile.Read(ref _current);

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.Options.ToDictionaryAsync(o => o.Key, o => o.Value, cancellationToken);
        Volatile.Write(ref _current, RuntimeOptions.From(stored));
    }
}
