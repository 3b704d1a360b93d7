namespace OneApi.Server.Admin;

/// <summary>one-api's paging: <c>p</c> is 0-based, ten items a page.</summary>
public static class Paging
{
    public const int PageSize = 10;

    public static int Offset(int? page) => Math.Max(0, page ?? 0) * PageSize;
}
