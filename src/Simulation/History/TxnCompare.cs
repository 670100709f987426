namespace Cairn.Simulation.History;

/// <summary>The field of a key that a transaction guard reads (etcd's Compare.CompareTarget).</summary>
public enum CompareTarget
{
    /// <summary>The number of puts since the key was created (0 when absent).</summary>
    Version,

    /// <summary>The revision that created the key (0 when absent).</summary>
    CreateRevision,

    /// <summary>The revision of the last write to the key (0 when absent).</summary>
    ModRevision,

    /// <summary>The value; a guard on the value of an absent key is always false, as in etcd.</summary>
    Value,
}

/// <summary>The relation a transaction guard demands (etcd's Compare.CompareResult).</summary>
public enum CompareOperator
{
    /// <summary>The field equals the operand.</summary>
    Equal,

    /// <summary>The field differs from the operand.</summary>
    NotEqual,

    /// <summary>The field is greater than the operand.</summary>
    Greater,

    /// <summary>The field is less than the operand.</summary>
    Less,
}

/// <summary>One guard of a transaction, on a single key.</summary>
/// <param name="Key">The key whose field is compared.</param>
/// <param name="Target">The field compared.</param>
/// <param name="Operator">The relation demanded.</param>
/// <param name="Value">The operand when <paramref name="Target"/> is <see cref="CompareTarget.Value"/>.</param>
/// <param name="Number">The operand for version and revision targets.</param>
public sealed record TxnCompare(
    string Key,
    CompareTarget Target,
    CompareOperator Operator,
    string? Value = null,
    long Number = 0);
