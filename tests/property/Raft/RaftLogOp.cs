using FsCheck;
using FsCheck.Fluent;

namespace Cairn.Property.Tests.Raft;

/// <summary>What a step does to the log.</summary>
internal enum RaftLogOpKind
{
    LeaderAppend,
    NewTerm,
    FollowerAppend,
    CommitTo,
    TakeUnpersisted,
    CompleteWrite,
    TakeApplicable,
}

/// <summary>
/// One operation with raw choices; the interpreter maps <see cref="A"/>, <see cref="B"/>, <see cref="C"/>
/// into the ranges valid in the current state, so every generated sequence is legal and shrinks freely.
/// </summary>
internal sealed record RaftLogOp(RaftLogOpKind Kind, int A, int B, int C)
{
    public override string ToString() => $"{Kind}({A},{B},{C})";

    private static readonly Gen<RaftLogOpKind> KindGen = Gen.Frequency(
        (4, Gen.Constant(RaftLogOpKind.LeaderAppend)),
        (1, Gen.Constant(RaftLogOpKind.NewTerm)),
        (5, Gen.Constant(RaftLogOpKind.FollowerAppend)),
        (3, Gen.Constant(RaftLogOpKind.CommitTo)),
        (3, Gen.Constant(RaftLogOpKind.TakeUnpersisted)),
        (3, Gen.Constant(RaftLogOpKind.CompleteWrite)),
        (2, Gen.Constant(RaftLogOpKind.TakeApplicable)));

    private static readonly Gen<RaftLogOp> OpGen =
        from kind in KindGen
        from a in Gen.Choose(0, 1000)
        from b in Gen.Choose(0, 1000)
        from c in Gen.Choose(0, 1000)
        select new RaftLogOp(kind, a, b, c);

    public static Arbitrary<RaftLogOp[]> Sequences =>
        Gen.Choose(1, 80).SelectMany(n => Gen.ArrayOf(OpGen, n)).ToArbitrary();
}
