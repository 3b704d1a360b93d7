using System.Text;
using OneApi.Relay.Adaptors.AwsBedrock;

namespace OneApi.Relay.Tests.Adaptors.AwsBedrock;

/// <summary>AWS's published Signature Version 4 examples and test-suite vectors (credentials AKIDEXAMPLE, 20150830T123600Z, us-east-1).</summary>
public sealed class SigV4SignerTests
{
    private static readonly AwsCredentials Example = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private const string AmzDate = "20150830T123600Z";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void IamListUsers_CanonicalRequest_StringToSign_SigningKey_Signature()
    {
        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8",
            ["Host"] = "iam.amazonaws.com",
            ["X-Amz-Date"] = AmzDate,
        };

        var (canonical, signedHeaders) = SigV4Signer.CanonicalRequest("GET", "/", "?Version=2010-05-08&Action=ListUsers", headers, EmptyHash);

        Assert.Equal(
            "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n" + EmptyHash,
            canonical);
        Assert.Equal("content-type;host;x-amz-date", signedHeaders);
        var stringToSign = SigV4Signer.StringToSign(AmzDate, "20150830/us-east-1/iam/aws4_request", canonical);
        Assert.Equal("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59", stringToSign);
        var key = SigV4Signer.SigningKey(Example.SecretKey, "20150830", "us-east-1", "iam");
        Assert.Equal("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9", SigV4Signer.Hex(key));
        Assert.Equal("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", SigV4Signer.Signature(stringToSign, key));
    }

    [Theory]
    // aws-sig-v4-test-suite: get-vanilla, post-vanilla, get-vanilla-query-order-key-case.
    [InlineData("GET", "/", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("POST", "/", "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")]
    [InlineData("GET", "/", "?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    public void TestSuiteVectors(string method, string path, string query, string signature)
    {
        var headers = new Dictionary<string, string> { ["Host"] = "example.amazonaws.com", ["X-Amz-Date"] = AmzDate };

        var authorization = SigV4Signer.Authorization(method, path, query, headers, EmptyHash, Example, "us-east-1", "service", AmzDate);

        Assert.Equal($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}", authorization);
    }

    [Fact]
    public void Sign_AddsDateAndAuthorization_AndEncodesTheEscapedModelIdAgain()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2%3A1/invoke")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        };

        SigV4Signer.Sign(request, body, Example, "us-east-1", "bedrock", new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero));

        Assert.Equal(AmzDate, request.Headers.GetValues("x-amz-date").Single());
        Assert.Equal("/model/anthropic.claude-v2%3A1/invoke", request.RequestUri!.AbsolutePath);
        var (canonical, _) = SigV4Signer.CanonicalRequest("POST", request.RequestUri.AbsolutePath, "",
            new Dictionary<string, string> { ["host"] = "h", ["x-amz-date"] = AmzDate }, EmptyHash);
        Assert.StartsWith("POST\n/model/anthropic.claude-v2%253A1/invoke\n", canonical, StringComparison.Ordinal);
        var authorization = request.Headers.GetValues("Authorization").Single();
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=", authorization, StringComparison.Ordinal);
    }
}
