using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>The events one committed revision produced, in sub-revision order.</summary>
/// <param name="Revision">The committed revision.</param>
/// <param name="Events">Its events, each with prev_kv filled when the key was live before.</param>
internal sealed record RevisionEvents(long Revision, IReadOnlyList<Event> Events);
