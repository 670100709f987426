namespace Cairn.Simulation.Checking.Linearizability.Kv;

/// <summary>
/// Union-find over sorted key indices, with interval unions that cost amortized near-constant
/// time per key: each adjacent pair (i, i+1) is joined at most once, skipped afterwards through
/// path-compressed "next unjoined pair" pointers.
/// </summary>
internal sealed class KeyUnion
{
    private readonly int[] parent;
    private readonly int[] nextUnjoined;

    public KeyUnion(int count)
    {
        parent = new int[count];
        nextUnjoined = new int[count + 1];
        for (int i = 0; i < count; i++)
        {
            parent[i] = i;
        }

        for (int i = 0; i <= count; i++)
        {
            nextUnjoined[i] = i;
        }
    }

    public int Find(int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }

        return x;
    }

    /// <summary>Joins the sets of a and b; returns a.</summary>
    public int Union(int a, int b)
    {
        int ra = Find(a);
        int rb = Find(b);
        if (ra != rb)
        {
            // The smaller root wins, so a root never depends on the order of unions.
            parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }

        return a;
    }

    /// <summary>Joins every index in [low, high).</summary>
    public void UnionInterval(int low, int high)
    {
        for (int i = NextPair(low); i < high - 1; i = NextPair(i + 1))
        {
            Union(i, i + 1);
            nextUnjoined[i] = i + 1;
        }
    }

    private int NextPair(int i)
    {
        int root = i;
        while (nextUnjoined[root] != root)
        {
            root = nextUnjoined[root];
        }

        while (nextUnjoined[i] != root)
        {
            int following = nextUnjoined[i];
            nextUnjoined[i] = root;
            i = following;
        }

        return root;
    }
}
