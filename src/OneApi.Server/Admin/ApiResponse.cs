using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace OneApi.Server.Admin;

/// <summary>
/// one-api's management envelope <c>{success, message, data}</c> with no data (<c>data</c> is null); logical errors are
/// HTTP 200 with success=false. A failure converts to any <see cref="ApiResponse{T}"/>, so a handler typed by what it
/// answers on success can still return one.
/// </summary>
public sealed record ApiResponse(bool Success, string Message) : IResult, IEndpointMetadataProvider
{
    public object? Data => null;

    public static ApiResponse<T> Done<T>(T data) => new(true, "", data);

    public static ApiResponse Done() => new(true, "");

    public static ApiResponse Failure(string message) => new(false, message);

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Json(this).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => ApiResponseMetadata.Add<ApiResponse>(builder);
}

/// <summary>The envelope carrying <typeparamref name="T"/>; the OpenAPI document describes each route's answer with it.</summary>
public sealed record ApiResponse<T>(bool Success, string Message, T? Data) : IResult, IEndpointMetadataProvider
{
    public static implicit operator ApiResponse<T>(ApiResponse failure) => new(failure.Success, failure.Message, default);

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Json(this).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => ApiResponseMetadata.Add<ApiResponse<T>>(builder);
}

internal static class ApiResponseMetadata
{
    public static void Add<TEnvelope>(EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TEnvelope), ["application/json"]));
}
