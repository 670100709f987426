using Cairn.Host;

if (args.Length > 0 && args[0] == "snapshot")
{
    return Cairn.Host.Snapshot.SnapshotCommand.Run(args[1..]);
}
return await ServerProgram.Run(args).ConfigureAwait(false);
