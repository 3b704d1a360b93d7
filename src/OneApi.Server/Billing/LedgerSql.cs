using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore.Storage;

namespace OneApi.Server.Billing;

/// <summary>
/// The few statements a settlement batch runs, written once in SQL that SQLite, PostgreSQL and MySQL all accept.
/// Hand-written because this is the hottest write path: EF's change tracker and expression compilation cost more
/// than the statements themselves. Balances may go below zero: the full cost is always charged, and a caller in debt
/// is refused until topped up (<see cref="QuotaReservations"/>).
/// </summary>
internal sealed class LedgerSql(DbConnection connection, DbTransaction transaction, ISqlGenerationHelper sql)
{
    // SQLite binds each parameter by a linear search of the statement's parameter names: a 100-row insert of 15 columns
    // spent more time binding than the rest of the relay did. Small statements keep that cost per row small.
    private const int RowsPerInsert = 16;

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
        for (var offset = 0; offset < settlements.Count; offset += RowsPerInsert)
        {
            var rows = settlements.Skip(offset).Take(RowsPerInsert).ToList();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var text = new StringBuilder($"INSERT INTO {Q(table)} ({string.Join(", ", columns.Select(Q))}) VALUES ");
            for (var r = 0; r < rows.Count; r++)
            {
                text.Append(r == 0 ? "(" : ", (");
                var rowValues = values(rows[r]);
                for (var c = 0; c < rowValues.Length; c++)
                {
                    var name = $"@p{r}_{c}";
                    text.Append(c == 0 ? name : ", " + name);
                    AddParameter(command, name, rowValues[c]);
                }
                text.Append(')');
            }
            command.CommandText = text.ToString();
            await command.ExecuteNonQueryAsync();
        }
    }

    private async Task ExecuteAsync(string text, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        foreach (var (name, value) in parameters)
        {
            AddParameter(command, name, value);
        }
        await command.ExecuteNonQueryAsync();
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private string Q(string identifier) => sql.DelimitIdentifier(identifier);
}
