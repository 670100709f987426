using Cairn.Core.Raft;
using Cairn.Core.Runtime;
using Cairn.Core.StateMachine;
using Cairn.Simulation.Engine;
using Xunit;

namespace Cairn.Simulation.Tests.Runtime;

/// <summary>
/// A durable store can already hold an entry's effect when the entry is applied (it restored a snapshot taken past
/// the entry), so the runtime skips the apply and never computes the reply. A proposal pending at that entry must
/// not be answered "applied" with no reply (a client would read an error for a committed write: kv sqlite swarm
/// seed 15, a put reported as failed and then read back); its outcome is unknown here, as for an installed snapshot.
/// </summary>
public class StoreAheadOfLogTests
{
    [Fact]
    public void ProposalWhoseEntryTheStoreAlreadyHeld_IsNotAnsweredWithoutAReply()
    {
        var disk = new InProcessCluster.InlineDisk(synchronous: false);
        var machine = new StoreAheadMachine();
        var replies = new List<ClientReply>();
        var runtime = new NodeRuntime(new RaftOptions { Id = 1, Peers = [1] }, new SimRandom(7), new NoNetwork(), disk, machine,
            new ReplyLog(replies), null, RaftBugs.None);
        disk.Runtime = runtime;
        for (int i = 0; i < 100 && runtime.Raft.Role != RaftRole.Leader; i++)
        {
            runtime.Tick();
            while (disk.CompleteQueued()) { }
        }
        Assert.Equal(RaftRole.Leader, runtime.Raft.Role);

        runtime.Propose(41, [1, 2, 3]);
        machine.JumpTo(runtime.Raft.LastIndex + 10); // the store restored state past the proposal's entry
        while (disk.CompleteQueued()) { }

        Assert.Equal(runtime.Raft.LastIndex, runtime.Raft.AppliedIndex);
        Assert.DoesNotContain(replies, r => r.RequestId == 41);
        Assert.Equal(1, runtime.ProposalsForgottenUnapplied);
        runtime.Propose(41, [4]); // the id is free again: a retry is admitted, not refused as pending
        Assert.DoesNotContain(replies, r => r.RequestId == 41 && r.Outcome == ClientOutcome.Rejected);
    }

    private sealed class StoreAheadMachine : IStateMachine
    {
        public ulong AppliedIndex { get; private set; }
        public bool HasDurableStore => true;
        public ulong DurableAppliedIndex => AppliedIndex;
        public void JumpTo(ulong index) => AppliedIndex = index;
        public byte[] Apply(ulong index, ReadOnlySpan<byte> command)
        {
            AppliedIndex = index;
            return [1];
        }

        public byte[] TakeSnapshot() => BitConverter.GetBytes(AppliedIndex);
        public void RestoreSnapshot(ReadOnlySpan<byte> snapshot) => AppliedIndex = BitConverter.ToUInt64(snapshot);
    }

    private sealed class ReplyLog(List<ClientReply> replies) : IClientReplySink
    {
        public void OnReply(ClientReply reply) => replies.Add(reply);
    }

    private sealed class NoNetwork : INetwork
    {
        public void Send(ulong from, ulong to, byte[] frame) => throw new InvalidOperationException("a one-node cluster sends nothing");
    }
}
