namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>The model's view of one live key; revisions may be lower bounds (see <see cref="Revision"/>).</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The current value.</param>
/// <param name="CreateRevision">The revision that created it.</param>
/// <param name="ModRevision">The revision of its last write.</param>
/// <param name="Version">Puts since creation (1 after the creating put).</param>
internal readonly record struct KeyRecord(string Key, string Value, long CreateRevision, long ModRevision, long Version);
