import FHIRModel
import Foundation
import GRDB

/// The local store: one SQLite file (through GRDB, WAL mode, a busy timeout) holding what pulls fetched, so that a
/// later run reads what is fresh instead of fetching it again and an interrupted pull (even `kill -9`) resumes.
///
/// Tables (every key starts with the server the data came from, so one store serves several servers):
/// - `resource`: FHIR resources by type, id and `meta.versionId` (`''` when none), with `meta.lastUpdated`, the
///   time fetched and the JSON bytes as the server sent them;
/// - `study_pull`: per FHIR server and study, when the current pull attempt started and whether it completed;
/// - `study_resource`: the resources (and the version of each) a completed pull delivered, in the order delivered;
/// - `pull_page`: pull progress, every search page, read and metadata answer of the current attempt, so that a
///   rerun replays them instead of asking again;
/// - `shared_data_response`: Shared Data answers by server, path and query, with the time fetched and the body.
///
/// Every page is written in one transaction with its resources, so a kill leaves either the whole page or nothing.
/// Writes are IMMEDIATE transactions that wait (busy timeout) for another process's, so concurrent runs on one
/// store queue rather than fail or corrupt it.
public final class StudyStore: Sendable {
    public let path: String
    let database: DatabasePool

    /// How long a write waits for another process's transaction before failing.
    public static let busyTimeoutSeconds: Double = 60

    /// Opens (creating if needed) the store at `path`. A file that is not SQLite, or not a store, is refused with a
    /// `StudyStoreError` naming it.
    public init(path: String) throws(StudyStoreError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StudyStoreError(path: path, message: "cannot create the folder \(directory): \(error.localizedDescription)")
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeoutSeconds)
        configuration.label = "immport-bridge store"
        do {
            database = try Self.open(path: path, configuration: configuration)
        } catch {
            throw StudyStoreError(path: path, underlying: error)
        }
    }

    /// The pool, opened and migrated. While other runs open the same new store, SQLite can answer an opening with
    /// SQLITE_BUSY at once instead of waiting out the busy timeout (the file being made WAL, or recovered, takes
    /// locks no busy handler waits for): the concurrent-opening test failed so in one full run of eight, within
    /// seconds. Such an opening is tried again until the busy timeout has passed.
    static func open(path: String, configuration: Configuration) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(busyTimeoutSeconds)
        while true {
            do {
                let database = try DatabasePool(path: path, configuration: configuration)
                do {
                    try migrator.migrate(database)
                } catch {
                    // Two runs that open one new store at once both find it empty, and GRDB's migrator checks
                    // before it takes the write lock: the second's migration then fails on tables the first has
                    // just made (seen under ThreadSanitizer's slower timing). That migration was rolled back and the
                    // first's is committed, so one more pass finds it applied; a store that is really broken fails
                    // again.
                    try migrator.migrate(database)
                }
                return database
            } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode.primaryResultCode) && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }

    /// `$XDG_CACHE_HOME/immport-bridge/store.sqlite`, else `~/.cache/immport-bridge/store.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") {
            return cache + "/immport-bridge/store.sqlite"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.cache/immport-bridge/store.sqlite"
    }

    /// The schema, one migration per change; a store made by a newer version is refused by GRDB's migrator.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE resource (
                    server TEXT NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL, version TEXT NOT NULL,
                    last_updated TEXT, fetched_at DOUBLE NOT NULL, json BLOB NOT NULL,
                    PRIMARY KEY (server, type, id, version));
                CREATE TABLE study_pull (
                    server TEXT NOT NULL, study TEXT NOT NULL, started_at DOUBLE NOT NULL, completed_at DOUBLE,
                    PRIMARY KEY (server, study));
                CREATE TABLE study_resource (
                    server TEXT NOT NULL, study TEXT NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL,
                    version TEXT NOT NULL, position INTEGER NOT NULL,
                    PRIMARY KEY (server, study, type, id));
                CREATE INDEX study_resource_order ON study_resource (server, study, position);
                CREATE TABLE pull_page (
                    server TEXT NOT NULL, study TEXT NOT NULL, request TEXT NOT NULL, page INTEGER NOT NULL,
                    status INTEGER NOT NULL, next_url TEXT, included_count INTEGER NOT NULL DEFAULT 0,
                    entries TEXT NOT NULL DEFAULT '', document BLOB, fetched_at DOUBLE NOT NULL,
                    PRIMARY KEY (server, study, request, page));
                CREATE TABLE shared_data_response (
                    server TEXT NOT NULL, path TEXT NOT NULL, query TEXT NOT NULL, url TEXT NOT NULL,
                    status INTEGER NOT NULL, body BLOB NOT NULL, fetched_at DOUBLE NOT NULL,
                    PRIMARY KEY (server, path, query));
                """)
        }
        return migrator
    }()

    public static var now: Double { Date().timeIntervalSince1970 }

    /// Runs `body` in one IMMEDIATE write transaction, turning database errors into `StudyStoreError`.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await database.write(body)
        } catch let error as StudyStoreError {
            throw error
        } catch {
            throw StudyStoreError(path: path, underlying: error)
        }
    }

    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await database.read(body)
        } catch let error as StudyStoreError {
            throw error
        } catch {
            throw StudyStoreError(path: path, underlying: error)
        }
    }

    /// Runs `body` on one read transaction, synchronously: for cursors, which must not leave it.
    func readSync<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch let error as StudyStoreError {
            throw error
        } catch {
            throw StudyStoreError(path: path, underlying: error)
        }
    }
}

/// A store that cannot be opened, read or written: names the file.
public struct StudyStoreError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    init(path: String, underlying: any Error) {
        self.path = path
        if let error = underlying as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                message = "not an immport-bridge store or damaged (\(error.message ?? "SQLite error \(error.resultCode.rawValue)")); move it away or choose another with --store"
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                message = "the store stayed busy (another run is writing it) for \(Int(StudyStore.busyTimeoutSeconds)) s"
            default:
                message = error.message ?? "\(error)"
            }
        } else {
            message = "\(underlying)"
        }
    }

    public var description: String { "\(path): \(message)" }
}
