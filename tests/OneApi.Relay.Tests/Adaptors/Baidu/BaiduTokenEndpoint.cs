using System.Net;
using System.Text;
using OneApi.Relay.Adaptors.Baidu;

namespace OneApi.Relay.Tests;

/// <summary>
/// Baidu's <c>/oauth/2.0/token</c> in memory: hands out <c>24.token-{n}</c> for 30 days, or refuses as an unknown
/// client does. A held endpoint answers only once <see cref="Gate"/> is opened, so tests can gather callers around one exchange.
/// </summary>
internal sealed class BaiduTokenEndpoint(bool refuse = false, bool held = false) : HttpMessageHandler
{
    private int _exchanges;

    public int Exchanges => _exchanges;

    public List<Uri> Requests { get; } = [];

    public TaskCompletionSource Gate { get; } = NewGate(opened: !held);

    public BaiduAccessTokens Tokens(TimeProvider? time = null) => new(() => new HttpClient(this, disposeHandler: false), time);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _exchanges);
        lock (Requests)
        {
            Requests.Add(request.RequestUri!);
        }
        await Gate.Task.WaitAsync(cancellationToken);
        var json = refuse
            ? """{"error":"invalid_client","error_description":"unknown client id"}"""
            : $$"""{"refresh_token":"25.r","expires_in":2592000,"scope":"public","access_token":"24.token-{{n}}"}""";
        return new HttpResponseMessage(refuse ? HttpStatusCode.BadRequest : HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    private static TaskCompletionSource NewGate(bool opened)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (opened)
        {
            gate.SetResult();
        }
        return gate;
    }
}
