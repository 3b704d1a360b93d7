using System.Reflection;

namespace OneApi.Server.Hosting;

/// <summary>one-api's flags: <c>--port</c>, <c>--log-dir</c>, <c>--version</c>, <c>--help</c> (Go's flag package takes one dash or two).</summary>
public static class CommandLine
{
    /// <summary>This build's version, as <c>/api/status</c> and <c>--version</c> tell it.</summary>
    public static string Version { get; } = "v" + (typeof(CommandLine).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    /// <summary>Flags that set a setting, mapped to the environment variable of the same meaning.</summary>
    public static IDictionary<string, string> SettingFlags { get; } = new Dictionary<string, string>
    {
        ["--port"] = "PORT", ["-port"] = "PORT",
        ["--log-dir"] = "LOG_DIR", ["-log-dir"] = "LOG_DIR",
    };

    /// <summary>The text for <c>--version</c> or <c>--help</c>, or null when the server should start.</summary>
    public static string? Answer(string[] args)
    {
        if (args.Any(a => a is "--version" or "-version"))
        {
            return Version;
        }
        if (args.Any(a => a is "--help" or "-help" or "-h"))
        {
            return $"""
                One API for .NET {Version}: an OpenAI-compatible gateway in front of many LLM providers.

                Usage: OneApi.Server [--port N] [--log-dir DIR] [--version] [--help]

                  --port N         listen on port N (default: PORT, else 3000)
                  --log-dir DIR    also write logs to DIR/oneapi-<date>.log, rotated daily and at 100 MB (default: LOG_DIR)
                  --version        print the version and exit
                  --help           print this help and exit

                Everything else is set with environment variables (SQL_DSN, REDIS_CONN_STRING, SESSION_SECRET, …);
                see the Configuration section of README.md.
                """;
        }
        return null;
    }
}
