using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Images;

/// <summary>
/// An OpenAI image answer whose pictures are links, for a client that asked for the bytes (<c>response_format:
/// b64_json</c>): DashScope's wanx answers with URLs only, and one-api downloads them. The links are public result
/// URLs, fetched under the same address policy and limits as user images; a picture that cannot be had stays a link.
/// </summary>
public static class ImageAnswers
{
    public static async Task<UpstreamAnswer> WithBytesAsync(UpstreamAnswer answer, UserImageFetcher images, CancellationToken cancellationToken)
    {
        if (answer.Error is not null || JsonWire.Parse(answer.Body.Span) is not { } json || json["data"] is not JsonArray data)
        {
            return answer;
        }
        var linked = data.OfType<JsonObject>().Where(d => d["b64_json"] is null && JsonWire.String(d["url"]) is { Length: > 0 }).ToList();
        if (linked.Count == 0)
        {
            return answer;
        }
        InlineImage?[] fetched;
        try
        {
            fetched = await images.FetchAllAsync(linked.Select(d => JsonWire.String(d["url"])!).ToList(), [], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RelayErrorException or OperationCanceledException)
        {
            return answer; // a refused address, a passed limit or a client gone: the links are what there is
        }
        foreach (var (picture, image) in linked.Zip(fetched))
        {
            if (image is not null)
            {
                picture["b64_json"] = image.Base64Data;
                picture.Remove("url");
            }
        }
        return answer with { Body = JsonWire.Serialize(json) };
    }
}
