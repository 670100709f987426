namespace Cairn.Host.Storage;

/// <summary>The MVCC store's tables. Every row carries the CRC-32C of what it holds.</summary>
internal static class MvccSchema
{
    internal const string Create = """
        CREATE TABLE IF NOT EXISTS mvcc_keys (
            key BLOB PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS mvcc_live (
            key BLOB PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS mvcc_revisions (
            key  BLOB    NOT NULL,
            main INTEGER NOT NULL,
            sub  INTEGER NOT NULL,
            kv   BLOB,
            crc  INTEGER NOT NULL,
            PRIMARY KEY (key, main)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS mvcc_revisions_by_main ON mvcc_revisions (main, sub);
        CREATE TABLE IF NOT EXISTS mvcc_meta (
            name  TEXT    PRIMARY KEY,
            value INTEGER NOT NULL,
            crc   INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS mvcc_leases (
            id  INTEGER PRIMARY KEY,
            ttl INTEGER NOT NULL,
            crc INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS mvcc_alarms (
            member INTEGER NOT NULL,
            alarm  INTEGER NOT NULL,
            crc    INTEGER NOT NULL,
            PRIMARY KEY (member, alarm)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS mvcc_sessions (
            client_id INTEGER PRIMARY KEY,
            record    BLOB    NOT NULL,
            crc       INTEGER NOT NULL);
        """;

    internal const string CurrentRevision = "current_revision";
    internal const string CompactRevision = "compact_revision";
    internal const string AppliedIndex = "applied_index";
    internal const string LastLeaseId = "last_lease_id";
    internal const string CompactingTo = "compacting_to";
    /// <summary>Set once <c>mvcc_live</c> (the keys whose newest revision is a put) is filled: a store created before
    /// the table existed fills it when it opens.</summary>
    internal const string LiveIndex = "live_index";

    /// <summary>Fills <c>mvcc_live</c> from the revisions.</summary>
    internal const string FillLive = """
        DELETE FROM mvcc_live;
        INSERT INTO mvcc_live (key) SELECT k.key FROM mvcc_keys k WHERE (SELECT r.kv IS NOT NULL FROM mvcc_revisions r
          WHERE r.key = k.key ORDER BY r.main DESC LIMIT 1);
        """;
}
