using Cairn.Simulation; var r = Simulator.Run(new RunOptions { Seed = ulong.Parse(args[0]) }); Console.WriteLine(r); return r.Ok ? 0 : 1;
