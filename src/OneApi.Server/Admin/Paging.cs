namespace OneApi.Server.Admin;

/// <summary>one-api's paging: <c>p</c> is 0-based, ten items a page.</summary>
public static class Paging
{
    public const int PageSize = 10;

    /// <summary>one-api's cap on search answers that have no paging (<c>MaxRecentItems</c>).</summary>
    public const int MaxSearchResults = 100;

    public static int Offset(int? page) => Math.Max(0, page ?? 0) * PageSize;
}
