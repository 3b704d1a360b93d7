namespace OneApi.Relay.Adaptors.AwsBedrock;

/// <summary>
/// Claude model names → Bedrock model ids (https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html),
/// and → cross-region inference profile ids where the channel's region has one
/// (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html). Claude 3.7 Sonnet and the
/// Claude 4 models are only served through a profile.
/// </summary>
public static class BedrockModelIds
{
    private static readonly Dictionary<string, string> Ids = new(StringComparer.Ordinal)
    {
        ["claude-instant-1.2"] = "anthropic.claude-instant-v1",
        ["claude-2.0"] = "anthropic.claude-v2",
        ["claude-2.1"] = "anthropic.claude-v2:1",
        ["claude-3-haiku-20240307"] = "anthropic.claude-3-haiku-20240307-v1:0",
        ["claude-3-sonnet-20240229"] = "anthropic.claude-3-sonnet-20240229-v1:0",
        ["claude-3-opus-20240229"] = "anthropic.claude-3-opus-20240229-v1:0",
        ["claude-3-5-sonnet-20240620"] = "anthropic.claude-3-5-sonnet-20240620-v1:0",
        ["claude-3-5-sonnet-20241022"] = "anthropic.claude-3-5-sonnet-20241022-v2:0",
        ["claude-3-5-sonnet-latest"] = "anthropic.claude-3-5-sonnet-20241022-v2:0",
        ["claude-3-5-haiku-20241022"] = "anthropic.claude-3-5-haiku-20241022-v1:0",
        ["claude-3-5-haiku-latest"] = "anthropic.claude-3-5-haiku-20241022-v1:0",
        ["claude-3-7-sonnet-20250219"] = "anthropic.claude-3-7-sonnet-20250219-v1:0",
        ["claude-3-7-sonnet-latest"] = "anthropic.claude-3-7-sonnet-20250219-v1:0",
        ["claude-sonnet-4-20250514"] = "anthropic.claude-sonnet-4-20250514-v1:0",
        ["claude-opus-4-20250514"] = "anthropic.claude-opus-4-20250514-v1:0",
        ["claude-opus-4-1-20250805"] = "anthropic.claude-opus-4-1-20250805-v1:0",
    };

    // Which geographies have a cross-region inference profile for a model id.
    private static readonly Dictionary<string, string[]> Profiles = new(StringComparer.Ordinal)
    {
        ["anthropic.claude-3-haiku-20240307-v1:0"] = ["us", "eu", "apac"],
        ["anthropic.claude-3-sonnet-20240229-v1:0"] = ["us", "eu", "apac"],
        ["anthropic.claude-3-opus-20240229-v1:0"] = ["us"],
        ["anthropic.claude-3-5-sonnet-20240620-v1:0"] = ["us", "eu", "apac"],
        ["anthropic.claude-3-5-sonnet-20241022-v2:0"] = ["us", "apac"],
        ["anthropic.claude-3-5-haiku-20241022-v1:0"] = ["us"],
        ["anthropic.claude-3-7-sonnet-20250219-v1:0"] = ["us", "eu", "apac"],
        ["anthropic.claude-sonnet-4-20250514-v1:0"] = ["us", "eu", "apac"],
        ["anthropic.claude-opus-4-20250514-v1:0"] = ["us"],
        ["anthropic.claude-opus-4-1-20250805-v1:0"] = ["us"],
    };

    public static IReadOnlyCollection<string> ModelNames => Ids.Keys;

    /// <summary>
    /// The id to invoke: the cross-region profile of the region's geography when there is one, else the plain id.
    /// A name that is already a Bedrock id or profile (contains "anthropic.") is used as it is.
    /// </summary>
    public static string For(string model, string region)
    {
        if (model.Contains("anthropic.", StringComparison.Ordinal) || model.StartsWith("arn:", StringComparison.Ordinal))
        {
            return model;
        }
        var id = Ids.GetValueOrDefault(model, model);
        var geography = Geography(region);
        return geography is not null && Profiles.TryGetValue(id, out var geographies) && geographies.Contains(geography)
            ? $"{geography}.{id}"
            : id;
    }

    /// <summary>us-east-1 → us, eu-west-3 → eu, ap-northeast-1 → apac (the profile prefixes); GovCloud and others have none here.</summary>
    public static string? Geography(string region) => region.Split('-')[0] switch
    {
        "us" when !region.StartsWith("us-gov", StringComparison.Ordinal) => "us",
        "eu" => "eu",
        "ap" => "apac",
        _ => null,
    };
}
