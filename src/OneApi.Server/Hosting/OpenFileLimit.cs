using System.Runtime.InteropServices;

namespace OneApi.Server.Hosting;

/// <summary>
/// The process's open-file limit. Each relayed stream holds two sockets (client and upstream), so this limit, not
/// memory, is what caps concurrent streams; a default soft limit of 1,024 would cap them near 500 while the hard limit
/// allows far more. Raised to the hard limit at start, as nginx and Go's runtime do.
/// </summary>
public static partial class OpenFileLimit
{
    private const int RlimitNoFile = 7; // Linux, every architecture .NET runs on

    /// <summary>Raises the soft limit to the hard one; returns (before, after), or null where there is no such limit.</summary>
    public static (long Before, long After)? RaiseToHard()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        if (GetRLimit(RlimitNoFile, out var limit) != 0)
        {
            return null;
        }
        var before = (long)limit.Current;
        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (SetRLimit(RlimitNoFile, in raised) == 0)
            {
                limit = raised;
            }
        }
        return (before, (long)Math.Min(limit.Current, long.MaxValue));
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct RLimit(ulong Current, ulong Maximum);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);
}
