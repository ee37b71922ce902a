import Foundation
import GRDB

/// A Shared Data answer as stored: by server, path and query, with the URL it came from (redacted), the status
/// (200, or 404: nothing for the study), the body as served and when it was fetched.
public struct StoredSharedDataResponse: Sendable {
    public var url: String
    public var status: Int
    public var body: [UInt8]
    public var fetchedAt: Double

    public init(url: String, status: Int, body: [UInt8], fetchedAt: Double = StudyStore.now) {
        self.url = url
        self.status = status
        self.body = body
        self.fetchedAt = fetchedAt
    }
}

extension StudyStore {
    /// The query as one key: `name=value` pairs in the order given, joined by `&` (not URL-encoded).
    static func queryKey(_ query: [(String, String)]) -> String {
        query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    public func sharedDataResponse(server: String, path: String, query: [(String, String)]) async throws -> StoredSharedDataResponse? {
        let key = Self.queryKey(query)
        return try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT url, status, body, fetched_at FROM shared_data_response WHERE server = ? AND path = ? AND query = ?",
                arguments: [server, path, key]
            ).map { row in
                let body: Data = row[2]
                return StoredSharedDataResponse(url: row[0], status: row[1], body: Array(body), fetchedAt: row[3])
            }
        }
    }

    public func saveSharedDataResponse(server: String, path: String, query: [(String, String)], _ response: StoredSharedDataResponse) async throws {
        let key = Self.queryKey(query)
        try await write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO shared_data_response (server, path, query, url, status, body, fetched_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [server, path, key, response.url, response.status, Data(response.body), response.fetchedAt])
        }
    }
}
