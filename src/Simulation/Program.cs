using Cairn.Simulation.Cli;

return CliApp.Build().Parse(args).Invoke();
