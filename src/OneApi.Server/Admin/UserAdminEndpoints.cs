using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Options;

namespace OneApi.Server.Admin;

/// <summary>
/// Users for admins. An admin sees and changes only users below its own role; root is above everyone but cannot
/// be disabled, demoted or deleted.
/// </summary>
public static class UserAdminEndpoints
{
    public static void MapUserAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/user").RequireRole(UserRole.Admin).WithTags("User administration");
        users.MapGet("/", List);
        users.MapGet("/search", Search);
        users.MapGet("/{id:int}", Get);
        users.MapPost("/", Create);
        users.MapPut("/", Update);
        users.MapDelete("/{id:int}", Delete);
        users.MapPost("/manage", Manage);
    }

    public sealed record NewUserInput(string? Username, string? Password, string? DisplayName, int? Role);

    /// <summary>The editable fields of a user; null leaves a field as it is, an empty password keeps the old one.</summary>
    public sealed record UserInput(int? Id, string? Username, string? Password, string? DisplayName, string? Email, string? Group,
        long? Quota, int? Role, int? Status);

    public sealed record ManageInput(string? Username, string? Action);

    /// <summary>The role and status a manage action leaves the user with.</summary>
    public sealed record ManagedUser(int Role, int Status);

    private static async Task<ApiResponse<IEnumerable<UserView>>> List(int? p, string? order, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var live = db.Users.Where(u => u.Status != UserStatus.Deleted);
        var ordered = order switch
        {
            "quota" => live.OrderByDescending(u => u.Quota),
            "used_quota" => live.OrderByDescending(u => u.UsedQuota),
            "request_count" => live.OrderByDescending(u => u.RequestCount),
            _ => live.OrderByDescending(u => u.Id),
        };
        var page = await ordered.Skip(Paging.Offset(p)).Take(Paging.PageSize).ToListAsync(cancellationToken);
        return ApiResponse.Done(page.Select(UserView.Of));
    }

    /// <summary>one-api's search: the id, or a prefix of the username, email or display name.</summary>
    private static async Task<ApiResponse<IEnumerable<UserView>>> Search(string? keyword, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        keyword ??= "";
        var id = int.TryParse(keyword, out var parsed) ? parsed : -1;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var found = await db.Users
            .Where(u => u.Id == id || u.Username.StartsWith(keyword) || u.Email.StartsWith(keyword) || u.DisplayName.StartsWith(keyword))
            .OrderByDescending(u => u.Id).Take(Paging.MaxSearchResults).ToListAsync(cancellationToken);
        return ApiResponse.Done(found.Select(UserView.Of));
    }

    private static async Task<ApiResponse<UserView>> Get(int id, HttpContext context, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return ApiResponse.Failure("user not found");
        }
        return UserRules.CanManage(context.Caller().Role, user.Role)
            ? ApiResponse.Done(UserView.Of(user))
            : ApiResponse.Failure("no permission to read a user of the same or a higher role");
    }

    private static async Task<ApiResponse> Create(NewUserInput? input, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        UserAccounts accounts, CancellationToken cancellationToken)
    {
        if (input is null || string.IsNullOrEmpty(input.Username) || string.IsNullOrEmpty(input.Password))
        {
            return ApiResponse.Failure("invalid parameters");
        }
        if (UserRules.Check(input.Username, input.Password, input.DisplayName) is { } problem)
        {
            return ApiResponse.Failure(problem);
        }
        // one-api checks the role asked for, then creates a common user whatever it was.
        if (input.Role is { } role && role >= context.Caller().Role)
        {
            return ApiResponse.Failure("cannot create a user with a role equal to or above your own");
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await accounts.UsernameTakenAsync(db, input.Username, cancellationToken))
        {
            return ApiResponse.Failure("the username is already taken");
        }
        await accounts.CreateAsync(new UserAccounts.NewUser(input.Username, input.Password, input.DisplayName ?? ""), cancellationToken);
        return ApiResponse.Done();
    }

    private static async Task<ApiResponse> Update(UserInput? input, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        UserAccounts accounts, OptionStore options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (input?.Id is not { } id || id == 0)
        {
            return ApiResponse.Failure("invalid parameters");
        }
        var password = string.IsNullOrEmpty(input.Password) ? null : input.Password;
        var email = input.Email is null ? null : UserRules.NormalizeEmail(input.Email);
        if (UserRules.Check(input.Username, password, input.DisplayName, email, input.Group) is { } problem)
        {
            return ApiResponse.Failure(problem);
        }
        if (input.Quota is < 0)
        {
            return ApiResponse.Failure("quota cannot be negative");
        }
        if (input.Role is { } role && !UserRules.IsKnownRole(role) || input.Status is not (null or UserStatus.Enabled or UserStatus.Disabled))
        {
            return ApiResponse.Failure("invalid role or status");
        }
        var caller = context.Caller();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsTracking().FirstOrDefaultAsync(u => u.Id == id && u.Status != UserStatus.Deleted, cancellationToken);
        if (user is null)
        {
            return ApiResponse.Failure("user not found");
        }
        if (!UserRules.CanManage(caller.Role, user.Role))
        {
            return ApiResponse.Failure("no permission to change a user of the same or a higher role");
        }
        if (password is not null && user.Id == caller.Id)
        {
            // Only root gets here (the others cannot manage themselves); its own password needs the current one.
            return ApiResponse.Failure("change your own password with PUT /api/user/self and your current password");
        }
        if (input.Role is { } newRole && newRole != user.Role && !UserRules.CanGrant(caller.Role, newRole))
        {
            return ApiResponse.Failure("no permission to raise a user to your own role or above");
        }
        if (user.Role == UserRole.Root && (input.Role is { } rootRole && rootRole != UserRole.Root || input.Status == UserStatus.Disabled))
        {
            return ApiResponse.Failure("the root user cannot be demoted or disabled");
        }
        if (!string.IsNullOrEmpty(input.Username) && input.Username != user.Username)
        {
            if (await accounts.UsernameTakenAsync(db, input.Username, cancellationToken))
            {
                return ApiResponse.Failure("the username is already taken");
            }
            user.Username = input.Username;
        }
        if (!string.IsNullOrEmpty(email) && await UserAccounts.EmailTakenAsync(db, email, user.Id, cancellationToken))
        {
            return ApiResponse.Failure(UserRules.EmailInUse);
        }
        var oldQuota = user.Quota;
        if (!string.IsNullOrEmpty(input.DisplayName)) user.DisplayName = input.DisplayName;
        if (password is not null) user.Password = PasswordHash.Create(password);
        if (email is not null) user.Email = email;
        if (!string.IsNullOrEmpty(input.Group)) user.Group = input.Group;
        if (input.Quota is { } quota) user.Quota = quota;
        if (input.Role is { } grantedRole) user.Role = grantedRole;
        if (input.Status is { } status) user.Status = status;
        if (password is not null || input.Status == UserStatus.Disabled) user.RevokeSessions();
        if (user.Quota != oldQuota)
        {
            var o = options.Current;
            await ActivityLog.AddAsync(db, time, user.Id, LogType.Manage,
                $"Admin changed user quota from {QuotaText.Of(oldQuota, o)} to {QuotaText.Of(user.Quota, o)}", cancellationToken: cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        return ApiResponse.Done();
    }

    private static async Task<ApiResponse> Delete(int id, HttpContext context, IDbContextFactory<OneApiDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id && u.Status != UserStatus.Deleted, cancellationToken);
        if (user is null)
        {
            return ApiResponse.Failure("user not found");
        }
        // Unlike the other actions, one-api has no root exception here: nobody deletes a peer, so root is never deleted.
        if (context.Caller().Role <= user.Role)
        {
            return ApiResponse.Failure("no permission to delete a user of the same or a higher role");
        }
        await UserAccounts.SoftDeleteAsync(db, id, cancellationToken);
        return ApiResponse.Done();
    }

    /// <summary>one-api's one-click actions: disable, enable, delete, promote (root only), demote.</summary>
    private static async Task<ApiResponse<ManagedUser>> Manage(ManageInput? input, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(input?.Username) || string.IsNullOrEmpty(input.Action))
        {
            return ApiResponse.Failure("invalid parameters");
        }
        var caller = context.Caller();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsTracking().FirstOrDefaultAsync(u => u.Username == input.Username && u.Status != UserStatus.Deleted, cancellationToken);
        if (user is null)
        {
            return ApiResponse.Failure("user not found");
        }
        if (!UserRules.CanManage(caller.Role, user.Role))
        {
            return ApiResponse.Failure("no permission to change a user of the same or a higher role");
        }
        var refusal = input.Action switch
        {
            "disable" when user.Role == UserRole.Root => "the root user cannot be disabled",
            "disable" => Set(() =>
            {
                user.Status = UserStatus.Disabled;
                user.RevokeSessions();
            }),
            "enable" => Set(() => user.Status = UserStatus.Enabled),
            "delete" when user.Role == UserRole.Root => "the root user cannot be deleted",
            "delete" => null,
            "promote" when caller.Role != UserRole.Root => "only root can promote users to admin",
            "promote" when user.Role >= UserRole.Admin => "the user is already an admin",
            "promote" => Set(() => user.Role = UserRole.Admin),
            "demote" when user.Role == UserRole.Root => "the root user cannot be demoted",
            "demote" when user.Role == UserRole.Common => "the user is already a common user",
            "demote" => Set(() => user.Role = UserRole.Common),
            _ => "unknown action",
        };
        if (refusal is not null)
        {
            return ApiResponse.Failure(refusal);
        }
        if (input.Action == "delete")
        {
            await UserAccounts.SoftDeleteAsync(db, user.Id, cancellationToken);
            return ApiResponse.Done(new ManagedUser(user.Role, UserStatus.Deleted));
        }
        await db.SaveChangesAsync(cancellationToken);
        return ApiResponse.Done(new ManagedUser(user.Role, user.Status));

        static string? Set(Action change)
        {
            change();
            return null;
        }
    }
}
