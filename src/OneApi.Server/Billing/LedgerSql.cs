using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using OneApi.Data;

namespace OneApi.Server.Billing;

/// <summary>
/// The few statements a settlement batch runs, written once in SQL that SQLite, PostgreSQL and MySQL all accept.
/// Hand-written because this is the hottest write path: EF's change tracker and expression compilation cost more
/// than the statements themselves. Balances may go below zero: the full cost is always charged, and a caller in debt
/// is refused until topped up (<see cref="QuotaReservations"/>).
/// </summary>
internal sealed class LedgerSql(LedgerCommands commands, DbTransaction transaction, ISqlGenerationHelper sql)
{
    public Task ChargeTokenAsync(int tokenId, long delta, long now) => ExecuteAsync(
        $"UPDATE {Q("tokens")} SET {Q("remain_quota")} = {Q("remain_quota")} - @d, " +
        $"{Q("used_quota")} = {Q("used_quota")} + @d, {Q("accessed_time")} = @now WHERE {Q("id")} = @id",
        ("@d", delta), ("@now", now), ("@id", tokenId));

    public Task ChargeUserAsync(int userId, long delta, long used, int requests) => ExecuteAsync(
        $"UPDATE {Q("users")} SET {Q("quota")} = {Q("quota")} - @d, " +
        $"{Q("used_quota")} = {Q("used_quota")} + @used, {Q("request_count")} = {Q("request_count")} + @n WHERE {Q("id")} = @id",
        ("@d", delta), ("@used", used), ("@n", requests), ("@id", userId));

    public Task AddChannelUsageAsync(int channelId, long used) => ExecuteAsync(
        $"UPDATE {Q("channels")} SET {Q("used_quota")} = {Q("used_quota")} + @used WHERE {Q("id")} = @id",
        ("@used", used), ("@id", channelId));

    public async Task InsertLogsAsync(IReadOnlyList<Settlement> settlements, long now)
    {
        string[] columns = ["user_id", "created_at", "type", "content", "username", "token_name", "model_name", "quota",
            "prompt_tokens", "completion_tokens", "channel_id", "request_id", "elapsed_time", "is_stream", "system_prompt_reset"];
        await InsertRowsAsync("logs", columns, settlements, s =>
        [
            s.UserId, now, Data.Entities.LogType.Consume, s.LogContent, s.Username, s.TokenName, s.ModelName,
            (int)Math.Clamp(s.Quota, int.MinValue, int.MaxValue), s.PromptTokens, s.CompletionTokens, s.ChannelId,
            s.RequestId, s.ElapsedMs, s.IsStream, s.SystemPromptReset,
        ]);
    }

    public Task InsertRequestCostsAsync(IReadOnlyList<Settlement> settlements, long now) =>
        InsertRowsAsync("user_request_costs", ["created_time", "user_id", "request_id", "quota"], settlements,
            s => [now, s.UserId, s.RequestId, s.Quota]);

    private async Task InsertRowsAsync(string table, string[] columns, IReadOnlyList<Settlement> settlements, Func<Settlement, object[]> values)
    {
        for (var offset = 0; offset < settlements.Count; offset += commands.RowsPerInsert)
        {
            var rows = Math.Min(commands.RowsPerInsert, settlements.Count - offset);
            var command = commands.For($"{table}:{rows}", transaction, () => InsertStatement(table, columns, rows));
            for (var r = 0; r < rows; r++)
            {
                var rowValues = values(settlements[offset + r]);
                for (var c = 0; c < rowValues.Length; c++)
                {
                    command.Parameters[r * columns.Length + c].Value = rowValues[c];
                }
            }
            await command.ExecuteNonQueryAsync();
        }
    }

    private (string Text, string[] Names) InsertStatement(string table, string[] columns, int rows)
    {
        var names = Enumerable.Range(0, rows).SelectMany(r => columns.Select((_, c) => $"@p{r}_{c}")).ToArray();
        var text = new StringBuilder($"INSERT INTO {Q(table)} ({string.Join(", ", columns.Select(Q))}) VALUES ");
        for (var r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "(" : ", (").AppendJoin(", ", names.Skip(r * columns.Length).Take(columns.Length)).Append(')');
        }
        return (text.ToString(), names);
    }

    private async Task ExecuteAsync(string text, params (string Name, object Value)[] parameters)
    {
        var command = commands.For(text, transaction, () => (text, parameters.Select(p => p.Name).ToArray()));
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters[i].Value = parameters[i].Value;
        }
        await command.ExecuteNonQueryAsync();
    }

    private string Q(string identifier) => sql.DelimitIdentifier(identifier);
}

/// <summary>
/// The ledger's open connection and the statements it has run, which run again with new values: SQLite then parses
/// each once per connection rather than once per batch. Disposing it closes the connection.
/// </summary>
internal sealed class LedgerCommands(OneApiDbContext db) : IAsyncDisposable
{
    private readonly DbConnection connection = db.Database.GetDbConnection();
    private readonly Dictionary<string, DbCommand> _commands = [];

    public OneApiDbContext Db => db;

    /// <summary>
    /// Rows an insert statement carries. SQLite binds each parameter by a linear search of the statement's parameter
    /// names, so a 16-row insert of 15 columns searched 240 names 240 times; one row at a time it searches 15, and an
    /// in-process database loses no round trip by it. A server takes 16 a statement, one round trip each.
    /// </summary>
    public int RowsPerInsert { get; } = db.Database.GetDbConnection() is SqliteConnection ? 1 : 16;

    /// <summary>The command stored under <paramref name="key"/>, made from <paramref name="statement"/> the first time, in <paramref name="transaction"/>.</summary>
    public DbCommand For(string key, DbTransaction transaction, Func<(string Text, string[] Names)> statement)
    {
        if (!_commands.TryGetValue(key, out var command))
        {
            var (text, names) = statement();
            command = connection.CreateCommand();
            command.CommandText = text;
            foreach (var name in names)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }
            _commands[key] = command;
        }
        command.Transaction = transaction;
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync();
        }
        _commands.Clear();
        await db.DisposeAsync();
    }
}
