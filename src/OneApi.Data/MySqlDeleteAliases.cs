using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OneApi.Data;

/// <summary>
/// MySql.EntityFrameworkCore writes <c>ExecuteDelete</c> as <c>DELETE FROM `t` AS `a` WHERE …</c>, which MySQL 8
/// accepts and MariaDB refuses (a single-table DELETE takes no alias there). The multi-table form
/// <c>DELETE `a` FROM `t` AS `a` WHERE …</c> means the same on both.
/// </summary>
internal sealed partial class MySqlDeleteAliases : DbCommandInterceptor
{
    public static readonly MySqlDeleteAliases Instance = new();

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Rewrite(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Rewrite(command);
        return ValueTask.FromResult(result);
    }

    private static void Rewrite(DbCommand command) =>
        command.CommandText = AliasedDelete().Replace(command.CommandText, "DELETE $2 FROM $1 AS $2");

    [GeneratedRegex(@"^DELETE FROM (`[^`]+`) AS (`[^`]+`)", RegexOptions.CultureInvariant)]
    private static partial Regex AliasedDelete();
}
