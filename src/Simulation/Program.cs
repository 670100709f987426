using Cairn.Simulation.Cli;

return CliApp.Run(args);
