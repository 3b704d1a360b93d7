using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;

namespace OneApi.Data;

/// <summary>
/// Brings a database up to this model the way GORM's AutoMigrate does: creates missing tables (with their indexes)
/// and adds missing columns, but never drops or rewrites what is there. A database written by one-api keeps its
/// tables, indexes and rows, and opens as it is.
/// </summary>
public static class SchemaInitializer
{
    /// <param name="onlyTables">The tables to bring up (with their indexes), or null for all: a log database gets only <c>logs</c>, as one-api migrates only its log model there.</param>
    public static async Task EnsureSchemaAsync(OneApiDbContext db, IReadOnlySet<string>? onlyTables = null, CancellationToken cancellationToken = default)
    {
        var relationalModel = db.GetService<IDesignTimeModel>().Model.GetRelationalModel();
        var operations = db.GetService<IMigrationsModelDiffer>().GetDifferences(null, relationalModel)
            .Where(o => onlyTables is null || TableOf(o) is { } table && onlyTables.Contains(table))
            .ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var existingTables = new Dictionary<string, Dictionary<string, bool>>(StringComparer.OrdinalIgnoreCase);
            foreach (var table in operations.OfType<CreateTableOperation>())
            {
                var columns = await ReadColumnsAsync(db.Database, connection, table.Name, sql.DelimitIdentifier(table.Name), cancellationToken);
                if (columns is not null)
                {
                    existingTables[table.Name] = columns;
                }
            }

            var toRun = new List<MigrationOperation>();
            foreach (var operation in operations)
            {
                switch (operation)
                {
                    case CreateTableOperation table when existingTables.TryGetValue(table.Name, out var columns):
                        toRun.AddRange(table.Columns.Where(c => !columns.ContainsKey(c.Name)).Select(c => AddColumn(table.Name, c)));
                        break;
                    case CreateIndexOperation index when existingTables.ContainsKey(index.Table):
                        break; // an existing table keeps its own indexes, whatever GORM named them
                    default:
                        toRun.Add(operation);
                        break;
                }
            }

            if (toRun.Count > 0)
            {
                var commands = db.GetService<IMigrationsSqlGenerator>().Generate(toRun, db.Model);
                foreach (var command in commands)
                {
                    await db.Database.ExecuteSqlRawAsync(command.CommandText, cancellationToken);
                }
            }

            foreach (var table in relationalModel.Tables)
            {
                if (existingTables.TryGetValue(table.Name, out var columns) &&
                    ZeroNullsCommand(table, columns, sql) is { } zeroNulls)
                {
                    await db.Database.ExecuteSqlRawAsync(zeroNulls, cancellationToken);
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string? TableOf(MigrationOperation operation) => operation switch
    {
        CreateTableOperation table => table.Name,
        ITableMigrationOperation table => table.Table,
        _ => null,
    };

    private static AddColumnOperation AddColumn(string table, AddColumnOperation column)
    {
        column.Table = table;
        // ALTER TABLE … ADD COLUMN NOT NULL needs a default on SQLite (and for the rows already there everywhere).
        if (!column.IsNullable && column.DefaultValue is null && column.DefaultValueSql is null)
        {
            column.DefaultValue = ZeroOf(column.ClrType);
        }
        return column;
    }

    /// <summary>
    /// GORM declares every column but <c>users.password</c> nullable, and its AutoMigrate adds a column without a
    /// default as NULL in the rows already there (<c>users.inviter_id</c>, <c>users.lark_id</c>, <c>channels.config</c>,
    /// <c>channels.balance</c>, <c>logs.channel_id</c> … in databases older than the column). GORM reads such a NULL
    /// as the field's zero value; EF cannot read it into a non-nullable property and throws. So the NULLs of columns
    /// this model maps to non-nullable properties are set to that zero value, which is what one-api saw in them.
    /// Keys and unique columns are left alone (a zero there could collide). A column declared NOT NULL (every column
    /// this project creates) is skipped, so a database created here is never scanned.
    /// </summary>
    private static string? ZeroNullsCommand(ITable table, Dictionary<string, bool> existingColumns, ISqlGenerationHelper sql)
    {
        var unique = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        unique.UnionWith(table.PrimaryKey?.Columns.Select(c => c.Name) ?? []);
        unique.UnionWith(table.UniqueConstraints.SelectMany(u => u.Columns).Select(c => c.Name));
        unique.UnionWith(table.Indexes.Where(i => i.IsUnique).SelectMany(i => i.Columns).Select(c => c.Name));

        var targets = table.Columns
            .Where(c => !c.IsNullable && !unique.Contains(c.Name) &&
                        existingColumns.TryGetValue(c.Name, out var allowsNull) && allowsNull)
            .ToList();
        if (targets.Count == 0)
        {
            return null;
        }
        var assignments = targets.Select(c =>
        {
            var name = sql.DelimitIdentifier(c.Name);
            return $"{name} = COALESCE({name}, {c.StoreTypeMapping.GenerateSqlLiteral(ZeroOf(c.ProviderClrType))})";
        });
        var anyNull = targets.Select(c => $"{sql.DelimitIdentifier(c.Name)} IS NULL");
        return $"UPDATE {sql.DelimitIdentifier(table.Name)} SET {string.Join(", ", assignments)} WHERE {string.Join(" OR ", anyNull)}";
    }

    private static object? ZeroOf(Type type) => type == typeof(string) ? "" : Activator.CreateInstance(type);

    /// <summary>The table's columns (name → whether the database lets it hold NULL), or null when the table does not exist.</summary>
    private static async Task<Dictionary<string, bool>?> ReadColumnsAsync(
        DatabaseFacade database, DbConnection connection, string table, string quotedTable, CancellationToken cancellationToken)
    {
        var columns = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        await using (var probe = connection.CreateCommand())
        {
            probe.CommandText = $"SELECT * FROM {quotedTable} WHERE 1 = 0";
            try
            {
                await using var reader = await probe.ExecuteReaderAsync(cancellationToken);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    // Unknown nullability counts as nullable: zeroing NULLs where there are none changes nothing.
                    columns[reader.GetName(i)] = true;
                }
            }
            catch (DbException)
            {
                return null;
            }
        }

        // Not DbDataReader.GetColumnSchema: Microsoft.Data.Sqlite's reads the whole table (seconds per million rows).
        var nullability = NullabilityQuery(database, table);
        if (nullability is null)
        {
            return columns;
        }
        await using var command = connection.CreateCommand();
        command.CommandText = nullability;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                columns[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) != 0;
            }
        }
        return columns;
    }

    /// <summary>A query of (column name, 1 when nullable) for the table, from the provider's catalog. The name is the model's own.</summary>
    private static string? NullabilityQuery(DatabaseFacade database, string table)
    {
        if (DatabaseProviders.IsSqlite(database))
        {
            return $"SELECT name, 1 - \"notnull\" FROM pragma_table_info('{table}')";
        }
        var schema = DatabaseProviders.IsNpgsql(database) ? "current_schema()" : DatabaseProviders.IsMySql(database) ? "DATABASE()" : null;
        return schema is null ? null :
            "SELECT column_name, CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END FROM information_schema.columns " +
            $"WHERE table_schema = {schema} AND table_name = '{table}'";
    }
}
