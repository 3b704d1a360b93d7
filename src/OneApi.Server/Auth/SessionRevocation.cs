using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;

namespace OneApi.Server.Auth;

/// <summary>
/// Ends login sessions by raising <c>users.session_version</c>: a cookie issued under an older version is refused on
/// every node, since each reads the version from the database with the user.
/// </summary>
public static class SessionRevocation
{
    /// <summary>Ends every session of the users selected.</summary>
    public static Task<int> RevokeSessionsAsync(this IQueryable<User> users, CancellationToken cancellationToken) =>
        users.ExecuteUpdateAsync(s => s.SetProperty(u => u.SessionVersion, u => u.SessionVersion + 1), cancellationToken);

    /// <summary>Ends every session of a user loaded for tracking; saved with the entity's other changes.</summary>
    public static void RevokeSessions(this User user) => user.SessionVersion++;
}
