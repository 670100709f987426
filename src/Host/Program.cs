using Cairn.Host;

return await ServerProgram.Run(args).ConfigureAwait(false);
