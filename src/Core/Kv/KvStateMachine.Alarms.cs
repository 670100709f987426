using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv;

/// <summary>
/// etcd's alarms, part of the replicated state: a member raises one (NOSPACE when its store would exceed the
/// quota) through the log, so every member agrees; while NOSPACE is raised, writes that grow the store (Put, a
/// Txn with puts, LeaseGrant) are refused at apply (etcd's capped applier); deletes, compactions and reads go on.
/// An operator disarms it (DEACTIVATE) once compaction and defragmentation freed space.
/// </summary>
public sealed partial class KvStateMachine
{
    private readonly SortedSet<(ulong Member, AlarmType Alarm)> _alarms = new();
    private bool _alarmsChanged;

    /// <summary>The replicated limits this machine applies with.</summary>
    public KvOptions Options => _options;

    /// <summary>True while some member's NOSPACE alarm is raised.</summary>
    public bool NoSpaceAlarmed => _alarms.Any(a => a.Alarm == AlarmType.Nospace);

    /// <summary>The raised alarms of type <paramref name="type"/> (every alarm for <see cref="AlarmType.None"/>),
    /// by member.</summary>
    public IReadOnlyList<AlarmMember> Alarms(AlarmType type = AlarmType.None) =>
        _alarms.Where(a => type == AlarmType.None || a.Alarm == type).Select(a => new AlarmMember { MemberID = a.Member, Alarm = a.Alarm }).ToList();

    private AlarmResponse ApplyAlarm(AlarmRequest request)
    {
        var response = new AlarmResponse { Header = new ResponseHeader { Revision = Revision } };
        switch (request.Action)
        {
            case AlarmRequest.Types.AlarmAction.Get:
                response.Alarms.AddRange(Alarms(request.Alarm));
                break;
            case AlarmRequest.Types.AlarmAction.Activate when request.Alarm != AlarmType.None:
                if (_alarms.Add((request.MemberID, request.Alarm))) _alarmsChanged = true;
                response.Alarms.Add(new AlarmMember { MemberID = request.MemberID, Alarm = request.Alarm });
                break;
            case AlarmRequest.Types.AlarmAction.Deactivate:
                if (_alarms.Remove((request.MemberID, request.Alarm)))
                {
                    _alarmsChanged = true;
                    response.Alarms.Add(new AlarmMember { MemberID = request.MemberID, Alarm = request.Alarm });
                }
                break;
        }
        return response;
    }

    /// <summary>etcd's capped applier: with NOSPACE raised, a command that would grow the store is refused.</summary>
    private void RefuseWhenCapped(KvCommand command)
    {
        if (NoSpaceAlarmed && Quota.Cost(command) > 0)
        {
            throw new KvRequestException(KvErrorCode.NoSpace, Quota.NoSpaceMessage);
        }
    }

    private void RestoreAlarms(IEnumerable<AlarmMember> alarms)
    {
        _alarms.Clear();
        foreach (AlarmMember alarm in alarms) _alarms.Add((alarm.MemberID, alarm.Alarm));
        _alarmsChanged = true;
    }

    /// <summary>Writes the alarms to a durable store when they changed (inside the open batch).</summary>
    private void PersistAlarms()
    {
        if (!_alarmsChanged) return;
        _store.Backend.PutAlarms(Alarms());
        _alarmsChanged = false;
    }
}
