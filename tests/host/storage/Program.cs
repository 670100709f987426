using Cairn.Host.Storage.Tests.Crash;

namespace Cairn.Host.Storage.Tests;

/// <summary>The test assembly doubles as the crash test's child process (<c>dotnet Cairn.Host.Storage.Tests.dll --crash-child DIR SEED</c>).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length >= 3 && args[0] == CrashChild.Flag) return CrashChild.Run(args);
        Console.Error.WriteLine($"usage: Cairn.Host.Storage.Tests {CrashChild.Flag} DIR SEED [{CrashChild.CanaryFlag}]");
        return 2;
    }
}
