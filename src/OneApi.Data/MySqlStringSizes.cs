using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace OneApi.Data;

/// <summary>
/// GORM's MySQL column types for strings that the model gives no length: <c>varchar(191)</c> when the column is in a
/// key or an index or has a default, <c>longtext</c> otherwise (gorm.io/driver/mysql, <c>DataTypeOf</c>). MySQL cannot
/// index a TEXT column without a prefix length nor give it a default, and 191 characters of utf8mb4 fit the oldest
/// InnoDB index limit; a database created here then has the columns one-api's MySQL database has.
/// </summary>
internal static class MySqlStringSizes
{
    private const int IndexedStringLength = 191;

    public static void Apply(IMutableModel model)
    {
        var strings = model.GetEntityTypes()
            .SelectMany(entity => entity.GetProperties())
            .Where(p => p.ClrType == typeof(string) && p.GetMaxLength() is null && p.GetColumnType() is null);
        foreach (var property in strings)
        {
            if (property.IsKey() || property.IsIndex() || property.GetDefaultValue() is not null)
            {
                property.SetMaxLength(IndexedStringLength);
            }
        }
    }
}
