import FHIRModel
import Foundation
import GRDB
import ImmPortAPI

/// A FHIR resource as it goes into the store: its key, version and the JSON bytes the server sent.
public struct ResourceToStore: Sendable {
    public var key: FHIRResourceKey
    /// `meta.versionId`, or `""`.
    public var version: String
    public var lastUpdated: String?
    public var json: [UInt8]

    public init(key: FHIRResourceKey, version: String, lastUpdated: String?, json: [UInt8]) {
        self.key = key
        self.version = version
        self.lastUpdated = lastUpdated
        self.json = json
    }

    /// `resource` with `received` (its bytes as served) when known, else written again.
    public init?(_ resource: FHIRElement, received: ArraySlice<UInt8>?) {
        guard let key = FHIRResourceKey(resource: resource) else { return nil }
        self.init(
            key: key, version: resource.versionId ?? "", lastUpdated: resource["meta"]?["lastUpdated"]?.stringValue,
            json: received.map(Array.init) ?? FHIRJSONWriter().write(resource))
    }
}

extension StudyStore {
    static func insert(_ resources: [ResourceToStore], server: String, fetchedAt: Double, in db: Database) throws {
        guard !resources.isEmpty else { return }
        let statement = try db.makeStatement(sql: """
            INSERT OR REPLACE INTO resource (server, type, id, version, last_updated, fetched_at, json)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for resource in resources {
            try statement.execute(arguments: [
                server, resource.key.type, resource.key.id, resource.version, resource.lastUpdated, fetchedAt, Data(resource.json),
            ])
        }
    }

    /// The resource types of the study's last completed pull from `server`, sorted.
    public func resourceTypes(server: String, study: String) throws -> [String] {
        try readSync { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT type FROM study_resource WHERE server = ? AND study = ? ORDER BY type", arguments: [server, study])
        }
    }

    /// Hands out the resources of the study's last completed pull from `server` (of one type, or all) in the order
    /// the pull delivered them, one at a time from a database cursor: the bytes as served, never all at once.
    public func forEachResource(
        server: String, study: String, type: String? = nil, _ body: (FHIRResourceKey, [UInt8]) throws -> Void
    ) throws {
        try readSync { db in
            var sql = """
                SELECT m.type, m.id, r.json FROM study_resource m
                JOIN resource r ON r.server = m.server AND r.type = m.type AND r.id = m.id AND r.version = m.version
                WHERE m.server = ? AND m.study = ?
                """
            var arguments: StatementArguments = [server, study]
            if let type {
                sql += " AND m.type = ?"
                arguments += [type]
            }
            sql += " ORDER BY m.position"
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let json: Data = row[2]
                try body(FHIRResourceKey(type: row[0], id: row[1]), Array(json))
            }
        }
    }

    /// The study's resources as the link stage takes them (in memory, in the order delivered).
    public func resourceCollection(server: String, study: String) throws -> FHIRResourceCollection {
        var collection = FHIRResourceCollection()
        var failure: (any Error)?
        try forEachResource(server: server, study: study) { key, json in
            guard failure == nil else { return }
            do {
                collection.add(try FHIRJSONReader(options: .init(source: "\(path): \(key)")).read(json))
            } catch {
                failure = error
            }
        }
        if let failure { throw StudyStoreError(path: path, message: "\(failure)") }
        return collection
    }
}
