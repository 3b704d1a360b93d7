using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Relay.Catalog;
using OneApi.Server.Auth;
using OneApi.Server.Channels;

namespace OneApi.Server.Admin;

/// <summary>
/// Channels (provider accounts) for admins. Every change rebuilds the channel's abilities and the routing snapshot.
/// Only root sets a channel's key, base URL or config: an admin who could point a channel holding root's key at a
/// server of their own (the base URL, or a Vertex region, which names the host) would read the key, and every
/// user's prompts with it; the config also holds credentials.
/// </summary>
public static class ChannelEndpoints
{
    public static void MapChannelEndpoints(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/api/channel").RequireRole(UserRole.Admin).WithTags("Channel");
        channels.MapGet("/", List);
        channels.MapGet("/search", Search);
        channels.MapGet("/{id:int}", Get);
        channels.MapPost("/", Create);
        channels.MapPut("/", Update);
        channels.MapDelete("/{id:int}", Delete);
        channels.MapGet("/test", TestAll);
        channels.MapGet("/test/{id:int}", Test).Produces<ChannelTestAnswer>();
        channels.MapGet("/update_balance", UpdateAllBalances);
        channels.MapGet("/update_balance/{id:int}", UpdateBalance).Produces<BalanceAnswer>();
        channels.MapDelete("/disabled", DeleteDisabled);
    }

    /// <summary>The channel fields a client may send; absent fields are left as they are on update.</summary>
    public sealed record ChannelInput(
        int? Id, int? Type, string? Key, int? Status, string? Name, long? Weight, string? BaseUrl, string? Other,
        string? Models, string? Group, string? ModelMapping, long? Priority, string? Config, string? SystemPrompt);

    /// <summary>A channel test's answer: one-api's envelope with the time in seconds beside it, and the model tried under both names one-api used.</summary>
    public sealed record ChannelTestAnswer(bool Success, string Message, double Time, string Model,
        [property: JsonPropertyName("modelName")] string ModelName);

    /// <summary>A balance refresh's answer: the envelope with the balance beside it.</summary>
    public sealed record BalanceAnswer(bool Success, string Message, double Balance);

    private static async Task<ApiResponse<IEnumerable<ChannelView>>> List(int? p, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var page = await db.Channels.OrderByDescending(c => c.Id).Skip(Paging.Offset(p)).Take(Paging.PageSize).ToListAsync(cancellationToken);
        return ApiResponse.Done(page.Select(ChannelView.Of));
    }

    private static async Task<ApiResponse<IEnumerable<ChannelView>>> Search(string? keyword, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        keyword ??= "";
        var id = int.TryParse(keyword, out var parsed) ? parsed : -1;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var found = await db.Channels.Where(c => c.Id == id || c.Name.StartsWith(keyword))
            .OrderByDescending(c => c.Id).ToListAsync(cancellationToken);
        return ApiResponse.Done(found.Select(ChannelView.Of));
    }

    private static async Task<ApiResponse<ChannelView>> Get(int id, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return channel is null ? ApiResponse.Failure("channel not found") : ApiResponse.Done(ChannelView.Of(channel));
    }

    /// <summary>
    /// Creates one channel per line of <c>key</c>, as one-api's batch add does; one with no key when the type's
    /// credentials can live in the config (AWS, Vertex AI).
    /// </summary>
    private static async Task<ApiResponse> Create(ChannelInput? input, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        RoutingTableStore routing, TimeProvider time, CancellationToken cancellationToken)
    {
        var keys = (input?.Key ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (input is null || (keys.Length == 0 && !(input.Type is { } type && ChannelTypes.Find(type)?.Form.KeyOptional == true)))
        {
            return ApiResponse.Failure("key is required");
        }
        if (Validate(input) is { } problem)
        {
            return ApiResponse.Failure(problem);
        }
        if (context.Caller().Role != UserRole.Root && ChangesRootOnlyFields(input, new Channel { BaseUrl = "" }))
        {
            return ApiResponse.Failure(RootOnly);
        }
        if (keys.Length == 0)
        {
            keys = [""]; // the credentials are in the config
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var created = keys.Select(key =>
        {
            var channel = new Channel { CreatedTime = now, Key = key };
            Apply(input with { Key = null, Id = null }, channel);
            return channel;
        }).ToList();
        db.Channels.AddRange(created);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var channel in created)
        {
            await AbilityIndex.RebuildAsync(db, channel, cancellationToken);
        }
        await routing.ChangedAsync(cancellationToken);
        return ApiResponse.Done();
    }

    private static async Task<ApiResponse<ChannelView>> Update(ChannelInput? input, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        RoutingTableStore routing, CancellationToken cancellationToken)
    {
        if (input?.Id is not { } id)
        {
            return ApiResponse.Failure("id is required");
        }
        if (Validate(input) is { } problem)
        {
            return ApiResponse.Failure(problem);
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channel = await db.Channels.AsTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (channel is null)
        {
            return ApiResponse.Failure("channel not found");
        }
        if (!string.IsNullOrEmpty(input.Config))
        {
            input = input with { Config = ChannelConfigSecrets.Restore(input.Config, channel.Config) };
        }
        if (context.Caller().Role != UserRole.Root && ChangesRootOnlyFields(input, channel))
        {
            return ApiResponse.Failure(RootOnly);
        }
        Apply(input, channel);
        await db.SaveChangesAsync(cancellationToken);
        await AbilityIndex.RebuildAsync(db, channel, cancellationToken);
        await routing.ChangedAsync(cancellationToken);
        return ApiResponse.Done(ChannelView.Of(channel));
    }

    private static async Task<ApiResponse> Delete(int id, IDbContextFactory<OneApiDbContext> databases, RoutingTableStore routing,
        CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.Channels.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken);
        await AbilityIndex.DeleteAsync(db, id, cancellationToken);
        await routing.ChangedAsync(cancellationToken);
        return ApiResponse.Done();
    }

    /// <summary>Tests one channel now; the answer is one-api's raw <c>{success, message, time}</c>, time in seconds.</summary>
    private static async Task<IResult> Test(int id, string? model, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        ChannelTester tester, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (channel is null)
        {
            return ApiResponse.Failure("channel not found").ToResult();
        }
        var result = await tester.TestAsync(channel, model, context.Caller().Id, cancellationToken);
        return Results.Json(new ChannelTestAnswer(result.Success, result.Message, result.ElapsedMs / 1000.0, result.Model, result.Model));
    }

    /// <summary>Starts testing every channel (<c>scope=disabled</c>: only those not enabled) and returns at once.</summary>
    private static ApiResponse TestAll(string? scope, HttpContext context, ChannelTestBatch batch) =>
        batch.TryStart(scope == "disabled", context.Caller().Id)
            ? ApiResponse.Done()
            : ApiResponse.Failure("a channel test is already running");

    private static async Task<IResult> UpdateBalance(int id, IDbContextFactory<OneApiDbContext> databases, ChannelBalance balances,
        TimeProvider time, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (channel is null)
        {
            return ApiResponse.Failure("channel not found").ToResult();
        }
        var (balance, error) = await balances.ReadAsync(channel, cancellationToken);
        if (balance is not { } value)
        {
            return ApiResponse.Failure(error!).ToResult();
        }
        await SaveBalanceAsync(db, id, value, time, cancellationToken);
        return Results.Json(new BalanceAnswer(true, "", value));
    }

    /// <summary>Refreshes the balance of every enabled channel that has a balance endpoint, in the background.</summary>
    private static ApiResponse UpdateAllBalances(IDbContextFactory<OneApiDbContext> databases, ChannelBalance balances, TimeProvider time,
        IHostApplicationLifetime lifetime)
    {
        var stopping = lifetime.ApplicationStopping;
        _ = Task.Run(async () =>
        {
            await using var db = await databases.CreateDbContextAsync(stopping);
            var channels = await db.Channels.Where(c => c.Status == ChannelStatus.Enabled).ToListAsync(stopping);
            foreach (var channel in channels.Where(c => ChannelBalance.IsSupported(c.Type)))
            {
                if ((await balances.ReadAsync(channel, stopping)).Balance is { } value)
                {
                    await SaveBalanceAsync(db, channel.Id, value, time, stopping);
                }
            }
        }, stopping);
        return ApiResponse.Done();
    }

    private static Task<int> SaveBalanceAsync(OneApiDbContext db, int id, double balance, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        return db.Channels.Where(c => c.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Balance, balance)
            .SetProperty(c => c.BalanceUpdatedTime, now), cancellationToken);
    }

    /// <summary>Deletes every manually or automatically disabled channel; data is how many went.</summary>
    private static async Task<ApiResponse<int>> DeleteDisabled(IDbContextFactory<OneApiDbContext> databases, RoutingTableStore routing,
        CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var disabled = db.Channels.Where(c => c.Status == ChannelStatus.ManuallyDisabled || c.Status == ChannelStatus.AutoDisabled).Select(c => c.Id);
        await db.Abilities.Where(a => disabled.Contains(a.ChannelId)).ExecuteDeleteAsync(cancellationToken);
        var deleted = await db.Channels.Where(c => c.Status == ChannelStatus.ManuallyDisabled || c.Status == ChannelStatus.AutoDisabled)
            .ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await routing.ChangedAsync(cancellationToken);
        return ApiResponse.Done(deleted);
    }

    private const string RootOnly = "only root can set or change a channel's key, base_url or config";

    /// <summary>Whether <see cref="Apply"/> would give the channel another key, base URL or config (sending the same ones back is fine).</summary>
    private static bool ChangesRootOnlyFields(ChannelInput input, Channel channel) =>
        (!string.IsNullOrEmpty(input.Key) && input.Key.Trim() != channel.Key) ||
        (input.BaseUrl is { } baseUrl && baseUrl.Trim() != (channel.BaseUrl ?? "")) ||
        (!string.IsNullOrEmpty(input.Config) && !ChannelConfigSecrets.SameAs(input.Config, channel.Config));

    private static string? Validate(ChannelInput input)
    {
        if (input.Type is { } type && !OneApi.Relay.Catalog.ChannelTypes.IsKnown(type))
        {
            return $"unknown channel type {type}";
        }
        if (!string.IsNullOrWhiteSpace(input.ModelMapping) && !IsJsonObject(input.ModelMapping))
        {
            return "model_mapping must be a JSON object";
        }
        if (!string.IsNullOrWhiteSpace(input.Config) && !IsJsonObject(input.Config))
        {
            return "config must be a JSON object";
        }
        return null;
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(text) is System.Text.Json.Nodes.JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>GORM's <c>Updates</c>: plain fields change when non-zero, pointer fields whenever sent.</summary>
    private static void Apply(ChannelInput input, Channel channel)
    {
        if (input.Type is > 0 and var type) channel.Type = type;
        if (!string.IsNullOrEmpty(input.Key)) channel.Key = input.Key.Trim();
        if (input.Status is > 0 and var status) channel.Status = status;
        if (!string.IsNullOrEmpty(input.Name)) channel.Name = input.Name;
        if (input.Weight is { } weight) channel.Weight = weight;
        if (input.BaseUrl is { } baseUrl) channel.BaseUrl = baseUrl.Trim();
        if (input.Other is { } other) channel.Other = other;
        if (!string.IsNullOrEmpty(input.Models)) channel.Models = string.Join(',', ChannelLists.Split(input.Models));
        if (!string.IsNullOrEmpty(input.Group)) channel.Group = string.Join(',', ChannelLists.Split(input.Group));
        if (input.ModelMapping is { } mapping) channel.ModelMapping = mapping;
        if (input.Priority is { } priority) channel.Priority = priority;
        if (!string.IsNullOrEmpty(input.Config)) channel.Config = input.Config;
        if (input.SystemPrompt is { } prompt) channel.SystemPrompt = prompt;
    }
}
