import FHIRModel
import Foundation
import GRDB

/// A pull's progress in the store for one server and study: every answer the pull got (search pages, reads, the
/// server's metadata), keyed by the request and the page number, written with its resources in one transaction as
/// it arrives. A rerun of an attempt that did not complete replays these answers in the order the pull asks for
/// them, so the pull rebuilds its state exactly and asks the server only for what is missing.
public struct PullJournal: Sendable {
    public let store: StudyStore
    public let server: String
    public let study: String

    public init(store: StudyStore, server: String, study: String) {
        self.store = store
        self.server = server
        self.study = study
    }

    /// One entry of a stored page: how it came (match, include), and which resource version it is.
    public struct Entry: Sendable, Equatable {
        public var mode: String
        public var key: FHIRResourceKey
        public var version: String
    }

    /// A stored answer: the HTTP status (200, or 404/410 for a read of a missing resource), the search's next
    /// link, how many included entries the page carried, its entries, and a document (the metadata answer).
    public struct Page: Sendable {
        public var status: Int
        public var nextURL: String?
        public var includedCount: Int
        public var entries: [Entry]
        public var document: [UInt8]?

        public init(status: Int = 200, nextURL: String? = nil, includedCount: Int = 0, entries: [Entry] = [], document: [UInt8]? = nil) {
            self.status = status
            self.nextURL = nextURL
            self.includedCount = includedCount
            self.entries = entries
            self.document = document
        }
    }

    /// Writes one answer and its resources in one transaction.
    public func save(request: String, page number: Int, _ page: Page, resources: [ResourceToStore]) async throws {
        let (server, study) = (server, study)
        let entries = Self.encode(page.entries)
        try await store.write { db in
            let now = StudyStore.now
            try StudyStore.insert(resources, server: server, fetchedAt: now, in: db)
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO pull_page
                    (server, study, request, page, status, next_url, included_count, entries, document, fetched_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [server, study, request, number, page.status, page.nextURL, page.includedCount, entries, page.document.map { Data($0) }, now])
        }
    }

    /// The stored answer and its resources (parsed, in entry order), or nil when it is not stored (or a resource
    /// it names is missing, which makes the page count as not fetched).
    public func load(request: String, page number: Int) async throws -> (Page, [FHIRElement])? {
        let (server, study, path) = (server, study, store.path)
        return try await store.read { db -> (Page, [FHIRElement])? in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT status, next_url, included_count, entries, document FROM pull_page WHERE server = ? AND study = ? AND request = ? AND page = ?",
                arguments: [server, study, request, number])
            else { return nil }
            let document: Data? = row[4]
            let page = Page(status: row[0], nextURL: row[1], includedCount: row[2], entries: Self.decode(row[3]), document: document.map(Array.init))
            let select = try db.makeStatement(sql: "SELECT json FROM resource WHERE server = ? AND type = ? AND id = ? AND version = ?")
            var resources: [FHIRElement] = []
            resources.reserveCapacity(page.entries.count)
            for entry in page.entries {
                guard let json = try Data.fetchOne(select, arguments: [server, entry.key.type, entry.key.id, entry.version]) else { return nil }
                do {
                    resources.append(try FHIRJSONReader(options: .init(source: "\(path): \(entry.key)")).read(Array(json)))
                } catch {
                    throw StudyStoreError(path: path, message: "\(error)")
                }
            }
            return (page, resources)
        }
    }

    // Entries as text: fields split by U+001F, entries by U+001E (neither can occur in a type, id or version).
    static func encode(_ entries: [Entry]) -> String {
        entries.map { "\($0.mode)\u{1F}\($0.key.type)\u{1F}\($0.key.id)\u{1F}\($0.version)" }.joined(separator: "\u{1E}")
    }

    static func decode(_ text: String) -> [Entry] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\u{1E}", omittingEmptySubsequences: false).compactMap { line in
            let fields = line.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4 else { return nil }
            return Entry(mode: fields[0], key: FHIRResourceKey(type: fields[1], id: fields[2]), version: fields[3])
        }
    }
}
