namespace OneApi.Data.Entities;

/// <summary>A runtime setting of one-api's <c>options</c> key/value table.</summary>
public sealed class Option
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}
