using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Mail;
using OneApi.Server.Options;

namespace OneApi.Server.Admin;

/// <summary>Email ownership: verification codes for registration and binding, and password reset by emailed link.</summary>
public static class EmailEndpoints
{
    private const int VerificationCodeLength = 6;
    private const int ResetPasswordLength = 12;

    public static void MapEmailEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Email");
        api.MapGet("/verification", SendVerification).RequireRateLimiting(Hosting.RateLimits.Critical).RequireTurnstile();
        api.MapGet("/reset_password", SendResetLink).RequireRateLimiting(Hosting.RateLimits.Critical).RequireTurnstile();
        api.MapPost("/user/reset", ResetPassword).RequireRateLimiting(Hosting.RateLimits.Critical);
        api.MapGet("/oauth/email/bind", BindEmail).RequireRole(UserRole.Common);
    }

    public sealed record ResetInput(string? Email, string? Token);

    /// <summary>Mails a code for an address that is allowed (domain allow-list) and not yet used by anyone, in any case.</summary>
    private static async Task<ApiResponse> SendVerification(string? email, IDbContextFactory<OneApiDbContext> databases, OptionStore options,
        VerificationCodes codes, MailSender mail, CancellationToken cancellationToken)
    {
        email = email is null ? null : UserRules.NormalizeEmail(email);
        if (!IsAddress(email))
        {
            return ApiResponse.Failure("invalid email address");
        }
        var o = options.Current;
        if (o.GetBool("EmailDomainRestrictionEnabled") && !DomainAllowed(email, o.Get("EmailDomainWhitelist")))
        {
            return ApiResponse.Failure("the administrator only allows email addresses of certain domains, and this one is not among them");
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await UserAccounts.EmailTakenAsync(db, email, 0, cancellationToken))
        {
            return ApiResponse.Failure(UserRules.EmailInUse);
        }
        var code = codes.Issue(VerificationCodes.EmailVerification, email, VerificationCodeLength);
        var systemName = WebUtility.HtmlEncode(o.Get("SystemName"));
        return await MailAsync(mail, email, $"{o.Get("SystemName")} email verification",
            $"<p>Hello, you are verifying your email address for {systemName}.</p><p>Your verification code is: <strong>{code}</strong></p>", cancellationToken);
    }

    /// <summary>
    /// Mails a one-use link to the console's reset page for a registered address. The link resets one account: the
    /// one whose address is exactly this, else the oldest that has it in another case (databases from before
    /// addresses were normalised may hold both).
    /// </summary>
    private static async Task<ApiResponse> SendResetLink(string? email, IDbContextFactory<OneApiDbContext> databases, OptionStore options,
        VerificationCodes codes, MailSender mail, CancellationToken cancellationToken)
    {
        email = email?.Trim();
        if (!IsAddress(email))
        {
            return ApiResponse.Failure("invalid email address");
        }
        var normalized = UserRules.NormalizeEmail(email);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var userId = await db.Users.Where(u => u.Email.ToLower() == normalized && u.Status != UserStatus.Deleted)
            .OrderBy(u => u.Email == email ? 0 : 1).ThenBy(u => u.Id).Select(u => (int?)u.Id).FirstOrDefaultAsync(cancellationToken);
        if (userId is not { } id)
        {
            return ApiResponse.Failure("no account is registered with this email address");
        }
        var o = options.Current;
        var token = codes.Issue(VerificationCodes.PasswordReset, email, 0, id);
        var link = $"{o.Get("ServerAddress").TrimEnd('/')}/user/reset?email={Uri.EscapeDataString(email)}&token={token}";
        var (systemName, href) = (WebUtility.HtmlEncode(o.Get("SystemName")), WebUtility.HtmlEncode(link));
        return await MailAsync(mail, email, $"{o.Get("SystemName")} password reset",
            $"<p>Hello, you asked to reset your {systemName} password.</p><p><a href=\"{href}\">Click here to reset it</a>, or open this address: {href}</p>", cancellationToken);
    }

    /// <summary>Sends one of these emails with the common closing line; the envelope says whether it went.</summary>
    private static async Task<ApiResponse> MailAsync(MailSender mail, string to, string subject, string html, CancellationToken cancellationToken)
    {
        var closing = string.Create(CultureInfo.InvariantCulture,
            $"<p>It is valid for {VerificationCodes.Validity.TotalMinutes} minutes. If you did not ask for it, ignore this email.</p>");
        return await mail.SendAsync(to, subject, html + closing, cancellationToken) is { } problem
            ? ApiResponse.Failure(problem)
            : ApiResponse.Done();
    }

    /// <summary>Spends a reset link: the account it was sent for gets a new random password, which is the answer's data.</summary>
    private static async Task<ApiResponse<string>> ResetPassword(ResetInput? input, IDbContextFactory<OneApiDbContext> databases, VerificationCodes codes,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(input?.Email) || string.IsNullOrEmpty(input.Token))
        {
            return ApiResponse.Failure("invalid parameters");
        }
        if (!codes.Consume(VerificationCodes.PasswordReset, input.Email, input.Token, out var userId))
        {
            return ApiResponse.Failure("the reset link is invalid or has expired");
        }
        var password = Keys.RandomString(ResetPasswordLength);
        var hash = PasswordHash.Create(password);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var updated = await db.Users.Where(u => u.Id == userId && u.Status != UserStatus.Deleted)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Password, hash).SetProperty(u => u.SessionVersion, u => u.SessionVersion + 1), cancellationToken);
        return updated == 0 ? ApiResponse.Failure("no account is registered with this email address") : ApiResponse.Done(password);
    }

    private static async Task<ApiResponse> BindEmail(string? email, string? code, HttpContext context, IDbContextFactory<OneApiDbContext> databases,
        VerificationCodes codes, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(code))
        {
            return ApiResponse.Failure("invalid parameters");
        }
        if (!codes.Consume(VerificationCodes.EmailVerification, email, code))
        {
            return ApiResponse.Failure("the verification code is wrong or has expired");
        }
        email = UserRules.NormalizeEmail(email);
        var userId = context.Caller().Id;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await UserAccounts.EmailTakenAsync(db, email, userId, cancellationToken))
        {
            return ApiResponse.Failure(UserRules.EmailInUse); // taken since the code was sent
        }
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Email, email), cancellationToken);
        return ApiResponse.Done();
    }

    private static bool IsAddress([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? email) =>
        !string.IsNullOrEmpty(email) && UserRules.Check(email: email) is null;

    private static bool DomainAllowed(string email, string whitelist)
    {
        var domain = email[(email.LastIndexOf('@') + 1)..];
        return whitelist.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(allowed => string.Equals(allowed, domain, StringComparison.OrdinalIgnoreCase));
    }
}
