using Cairn.Core.Kv.Wire;

namespace Cairn.Core.Kv.Service;

/// <summary>Watches over this node's applied state; responses leave through the sink.</summary>
public sealed partial class KvNode
{
    /// <summary>Registers a watch (etcd WatchCreateRequest). Its "created" response, catch-up history and
    /// live events reach the sink in order on the next <see cref="FlushWatches"/> (every tick and reply).
    /// To continue a stream on another node, create it there with start_revision = last seen + 1.</summary>
    /// <param name="request">The watch.</param>
    /// <returns>The watch id, or <see cref="WatchHub.InvalidWatchId"/> when refused (the queued response says why).</returns>
    public long WatchCreate(WatchCreateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        long id = StateMachine.Watches.Create(request);
        FlushWatches();
        return id;
    }

    /// <summary>Cancels a watch; its "canceled" response follows through the sink. False if unknown.</summary>
    /// <param name="watchId">The watch id.</param>
    /// <returns>Whether the watch existed.</returns>
    public bool WatchCancel(long watchId)
    {
        bool canceled = StateMachine.Watches.Cancel(watchId);
        FlushWatches();
        return canceled;
    }

    /// <summary>Hands every response queued before this call to the sink, one <see cref="FlushWatches"/> batch
    /// at a time. A fixed number of responses per tick cannot keep up once the watchers' share of the commit
    /// rate exceeds it (with a tiny <see cref="KvServiceOptions.WatchFlushMax"/> the outbox grew for ever and
    /// watch streams stalled); this drains at least what arrived since the last tick. Bounded: the outbox holds
    /// at most WatchersMax × PendingResponsesMax responses.</summary>
    private void FlushQueuedWatches()
    {
        int queued = StateMachine.Watches.OutboxCount;
        for (int handed = 0; handed < queued && StateMachine.Watches.OutboxCount > 0; handed += _options.WatchFlushMax)
        {
            FlushWatches();
        }
    }

    /// <summary>Hands up to <see cref="KvServiceOptions.WatchFlushMax"/> queued watch responses to the sink; while a
    /// watcher is catching up from history, also continues its catch-up (one bounded round per call).</summary>
    public void FlushWatches()
    {
        if (StateMachine.Watches.OutboxCount == 0 && StateMachine.Watches.UnsyncedCount == 0)
        {
            return;
        }
        foreach (WatchResponse response in StateMachine.Watches.Drain(_options.WatchFlushMax))
        {
            _replies.OnWatchResponse(response);
        }
    }
}
