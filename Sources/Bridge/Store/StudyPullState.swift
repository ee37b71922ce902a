import FHIRModel
import GRDB

/// Where a study's FHIR pull from one server stands in the store, and how a run goes on from there.
public enum StudyPullStart: Sendable, Equatable {
    /// A completed pull fresh enough for the run: nothing is fetched.
    case upToDate(startedAt: Double, completedAt: Double)
    /// An attempt that stopped before completing (killed, failed), fresh enough: its pages are replayed.
    case resume(startedAt: Double)
    /// A new attempt (nothing stored, or what is stored is too old for the run).
    case begin(startedAt: Double)
}

/// One resource a completed pull delivered: the version it delivered.
public struct StudyMember: Sendable, Hashable {
    public var key: FHIRResourceKey
    public var version: String

    public init(key: FHIRResourceKey, version: String) {
        self.key = key
        self.version = version
    }
}

extension StudyStore {
    /// Decides, in one transaction, whether the study's FHIR pull from `server` is up to date, resumes or begins
    /// anew; beginning forgets the previous attempt's progress (its resources stay).
    public func startPull(server: String, study: String, freshness: StoreFreshness) async throws -> StudyPullStart {
        try await write { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT started_at, completed_at FROM study_pull WHERE server = ? AND study = ?", arguments: [server, study])
            {
                let started: Double = row[0]
                let completed: Double? = row[1]
                if freshness.isFresh(fetchedAt: started) {
                    if let completed { return .upToDate(startedAt: started, completedAt: completed) }
                    return .resume(startedAt: started)
                }
            }
            let now = StudyStore.now
            try db.execute(sql: "DELETE FROM pull_page WHERE server = ? AND study = ?", arguments: [server, study])
            try db.execute(
                sql: "INSERT OR REPLACE INTO study_pull (server, study, started_at, completed_at) VALUES (?, ?, ?, NULL)",
                arguments: [server, study, now])
            return .begin(startedAt: now)
        }
    }

    /// Records, in one transaction, what a pull delivered (in the order delivered) and that it completed.
    public func completePull(server: String, study: String, members: [StudyMember]) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM study_resource WHERE server = ? AND study = ?", arguments: [server, study])
            let insert = try db.makeStatement(
                sql: "INSERT INTO study_resource (server, study, type, id, version, position) VALUES (?, ?, ?, ?, ?, ?)")
            for (position, member) in members.enumerated() {
                try insert.execute(arguments: [server, study, member.key.type, member.key.id, member.version, position])
            }
            try db.execute(
                sql: "UPDATE study_pull SET completed_at = ? WHERE server = ? AND study = ?", arguments: [StudyStore.now, server, study])
        }
    }

    /// The state of the study's pull, or nil when none was begun.
    public func pullState(server: String, study: String) async throws -> (startedAt: Double, completedAt: Double?)? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT started_at, completed_at FROM study_pull WHERE server = ? AND study = ?", arguments: [server, study]
            ).map { ($0[0], $0[1]) }
        }
    }

    /// How many resources the study's last completed pull from `server` delivered.
    public func memberCount(server: String, study: String) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM study_resource WHERE server = ? AND study = ?", arguments: [server, study]) ?? 0
        }
    }
}
