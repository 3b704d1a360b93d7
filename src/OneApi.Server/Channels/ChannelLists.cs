namespace OneApi.Server.Channels;

/// <summary>one-api keeps groups and models as comma-separated text; these read and write that form.</summary>
public static class ChannelLists
{
    public static string[] Split(string? list) =>
        string.IsNullOrWhiteSpace(list)
            ? []
            : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
}
