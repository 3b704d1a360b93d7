using System.Data.Common;
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
    public static async Task EnsureSchemaAsync(OneApiDbContext db, CancellationToken cancellationToken = default)
    {
        var designModel = db.GetService<IDesignTimeModel>().Model;
        var operations = db.GetService<IMigrationsModelDiffer>().GetDifferences(null, designModel.GetRelationalModel());
        var sql = db.GetService<ISqlGenerationHelper>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var existingTables = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
            foreach (var table in operations.OfType<CreateTableOperation>())
            {
                var columns = await ReadColumnsAsync(connection, sql.DelimitIdentifier(table.Name), cancellationToken);
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
                        toRun.AddRange(table.Columns.Where(c => !columns.Contains(c.Name)).Select(c => AddColumn(table.Name, c)));
                        break;
                    case CreateIndexOperation index when existingTables.ContainsKey(index.Table):
                        break; // an existing table keeps its own indexes, whatever GORM named them
                    default:
                        toRun.Add(operation);
                        break;
                }
            }

            if (toRun.Count == 0)
            {
                return;
            }
            var commands = db.GetService<IMigrationsSqlGenerator>().Generate(toRun, db.Model);
            foreach (var command in commands)
            {
                await db.Database.ExecuteSqlRawAsync(command.CommandText, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static AddColumnOperation AddColumn(string table, AddColumnOperation column)
    {
        column.Table = table;
        // ALTER TABLE … ADD COLUMN NOT NULL needs a default on SQLite (and for the rows already there everywhere).
        if (!column.IsNullable && column.DefaultValue is null && column.DefaultValueSql is null)
        {
            column.DefaultValue = column.ClrType == typeof(string) ? "" : Activator.CreateInstance(column.ClrType);
        }
        return column;
    }

    /// <summary>The table's column names, or null when the table does not exist.</summary>
    private static async Task<HashSet<string>?> ReadColumnsAsync(DbConnection connection, string quotedTable, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {quotedTable} WHERE 1 = 0";
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                names.Add(reader.GetName(i));
            }
            return names;
        }
        catch (DbException)
        {
            return null;
        }
    }
}
