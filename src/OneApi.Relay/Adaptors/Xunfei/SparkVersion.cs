namespace OneApi.Relay.Adaptors.Xunfei;

/// <summary>
/// Which Spark API a model is served by (https://www.xfyun.cn/doc/spark/Web.html), as one-api picks it: the
/// version from the model name (one-api's names, else what follows the first <c>-</c>, as in <c>SparkDesk-v3.5</c>),
/// else the channel's <c>api_version</c>, else v1.1; the version gives the <c>domain</c> and the path.
/// </summary>
public sealed record SparkVersion(string Version, string Domain, string Path)
{
    private static readonly Dictionary<string, string> VersionByModel = new(StringComparer.Ordinal)
    {
        ["Spark-Lite"] = "v1.1",
        ["Spark-Pro"] = "v3.1",
        ["Spark-Pro-128K"] = "v3.1-128K",
        ["Spark-Max"] = "v3.5",
        ["Spark-Max-32K"] = "v3.5-32K",
        ["Spark-4.0-Ultra"] = "v4.0",
    };

    public static readonly string[] Models = [.. VersionByModel.Keys];

    /// <summary>Function calling is offered from Spark Pro (generalv3) up, not by Lite nor the long-context variants.</summary>
    public bool TakesFunctions => Domain.StartsWith("generalv3", StringComparison.Ordinal) || Domain == "4.0Ultra";

    public static SparkVersion For(string model, string configuredVersion)
    {
        var version = VersionByModel.GetValueOrDefault(model) ?? AfterFirstDash(model) ?? NonEmpty(configuredVersion) ?? "v1.1";
        return version switch
        {
            "v1.1" => new(version, "lite", "/v1.1/chat"),
            "v2.1" => new(version, "generalv2", "/v2.1/chat"),
            "v3.1" => new(version, "generalv3", "/v3.1/chat"),
            "v3.1-128K" => new(version, "pro-128k", "/chat/pro-128k"),
            "v3.5" => new(version, "generalv3.5", "/v3.5/chat"),
            "v3.5-32K" => new(version, "max-32k", "/chat/max-32k"),
            "v4.0" => new(version, "4.0Ultra", "/v4.0/chat"),
            _ => new(version, "general" + version, $"/{version}/chat"),
        };
    }

    private static string? AfterFirstDash(string model) => model.IndexOf('-') is >= 0 and var dash ? NonEmpty(model[(dash + 1)..]) : null;

    private static string? NonEmpty(string value) => value.Length > 0 ? value : null;
}
