namespace OneApi.Server.Auth;

/// <summary>bcrypt, as one-api stores passwords, so its hashes keep working.</summary>
public static class PasswordHash
{
    public static string Create(string password) => BCrypt.Net.BCrypt.HashPassword(password);

    public static bool Verify(string password, string hash)
    {
        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }
}
