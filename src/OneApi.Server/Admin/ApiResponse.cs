namespace OneApi.Server.Admin;

/// <summary>one-api's management envelope <c>{success, message, data}</c>; logical errors are HTTP 200 with success=false.</summary>
public sealed record ApiResponse(bool Success, string Message, object? Data = null)
{
    public static ApiResponse Ok(object? data = null) => new(true, "", data);

    public static ApiResponse Fail(string message) => new(false, message);

    public static IResult Done(object? data = null) => Results.Json(Ok(data));

    public static IResult Failure(string message) => Results.Json(Fail(message));
}
