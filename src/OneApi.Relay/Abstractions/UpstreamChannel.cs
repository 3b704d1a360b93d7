namespace OneApi.Relay.Abstractions;

/// <summary>What an adaptor needs to know of the channel it calls: where, with which credentials and settings.</summary>
public sealed record UpstreamChannel(int Id, int Type, string Key, string BaseUrl, ChannelConfig Config);

/// <summary>one-api's per-channel JSON <c>config</c>.</summary>
public sealed record ChannelConfig
{
    public string Region { get; init; } = "";
    public string Ak { get; init; } = "";
    public string Sk { get; init; } = "";
    public string UserId { get; init; } = "";
    public string ApiVersion { get; init; } = "";
    public string LibraryId { get; init; } = "";
    public string Plugin { get; init; } = "";
    public string VertexAiProjectId { get; init; } = "";
    public string VertexAiAdc { get; init; } = "";
    public string AuthType { get; init; } = "";

    public static readonly ChannelConfig Empty = new();
}
