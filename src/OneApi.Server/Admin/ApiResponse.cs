namespace OneApi.Server.Admin;

/// <summary>
/// one-api's management envelope <c>{success, message, data}</c> with no data (<c>data</c> is null); logical errors are
/// HTTP 200 with success=false. A failure converts to any <see cref="ApiResponse{T}"/>, so a handler typed by what it
/// answers on success can still return one. Handlers return these as plain values rather than as <see cref="IResult"/>:
/// that is how the OpenAPI document learns each answer's type (it describes no IResult type).
/// </summary>
public sealed record ApiResponse(bool Success, string Message)
{
    public object? Data => null;

    public static ApiResponse<T> Done<T>(T data) => new(true, "", data);

    public static ApiResponse Done() => new(true, "");

    public static ApiResponse Failure(string message) => new(false, message);

    /// <summary>For the few places that answer with one of several results (middleware, redirects, other status codes).</summary>
    public IResult ToResult() => TypedResults.Json(this);
}

/// <summary>The envelope carrying <typeparamref name="T"/>; the OpenAPI document describes each route's answer with it.</summary>
public sealed record ApiResponse<T>(bool Success, string Message, T? Data)
{
    public static implicit operator ApiResponse<T>(ApiResponse failure) => new(failure.Success, failure.Message, default);

    public IResult ToResult() => TypedResults.Json(this);
}
