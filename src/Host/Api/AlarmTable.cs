using Cairn.Core.Kv.Wire;
using Cairn.Host.Api.Wire;

namespace Cairn.Host.Api;

/// <summary>
/// This member's alarms (etcd's alarm store). NOSPACE is raised when the data on disk passes
/// --quota-backend-bytes; while it is active, writes that add data are refused with "database space exceeded".
/// Alarms are member-local here (etcd replicates them through its log); Alarm GET lists this member's.
/// </summary>
internal sealed class AlarmTable
{
    private readonly Lock _gate = new();
    private readonly SortedSet<(ulong Member, AlarmType Type)> _active = [];

    public bool NoSpace
    {
        get
        {
            lock (_gate)
            {
                return _active.Any(a => a.Type == AlarmType.Nospace);
            }
        }
    }

    public void Activate(ulong member, AlarmType type)
    {
        lock (_gate)
        {
            _active.Add((member, type));
        }
    }

    public void Deactivate(ulong member, AlarmType type)
    {
        lock (_gate)
        {
            _active.RemoveWhere(a => (member == 0 || a.Member == member) && a.Type == type);
        }
    }

    public IReadOnlyList<AlarmMember> List()
    {
        lock (_gate)
        {
            return _active.Select(a => new AlarmMember { MemberID = a.Member, Alarm = a.Type }).ToList();
        }
    }
}
