namespace Cairn.Simulation.Cli;

/// <summary>Checks an output file before a run starts, so a typo costs nothing rather than the whole run.</summary>
internal static class OutputPath
{
    /// <summary>
    /// Throws <see cref="IOException"/> with one clear sentence unless <paramref name="path"/> can be written:
    /// its directory exists, it is not a directory, and a file can be created there (or the existing one opened).
    /// </summary>
    public static void Check(string? path, string option)
    {
        if (path is null) return;
        if (path.Length == 0) throw new IOException($"{option}: empty path");
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new IOException($"{option} {path}: not a valid path");
        }
        if (Directory.Exists(full)) throw new IOException($"{option} {path}: is a directory");
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory)) throw new IOException($"{option} {path}: directory {directory} does not exist");
        try
        {
            if (File.Exists(full))
            {
                using var existing = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            }
            else
            {
                using var probe = new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{option} {path}: cannot write there ({e.Message})");
        }
    }
}
