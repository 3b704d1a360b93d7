using OneApi.Server.Configuration;
using OneApi.Server.Hosting;

if (CommandLine.Answer(args) is { } answer)
{
    Console.WriteLine(answer);
    return 0;
}
try
{
    var app = GatewayApp.Build(args);
    await GatewayApp.InitializeAsync(app);
    await app.RunAsync();
    return 0;
}
catch (InvalidSettingException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}
