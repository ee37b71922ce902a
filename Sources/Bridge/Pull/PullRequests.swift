import FHIRModel
import ImmPortAPI

/// One resource of a page as the puller handles it.
struct PullEntry: Sendable {
    var resource: FHIRElement
    var key: FHIRResourceKey
    var mode: FHIRSearchMode
}

/// One page as the puller handles it, fetched or replayed from the store.
struct PullPage: Sendable {
    var entries: [PullEntry]
    /// How many `include` entries the page carried, duplicates included (HAPI caps them per page).
    var includedCount: Int
}

/// The puller's way to the server: straight to the client, or through the store's `PullJournal`, which answers
/// what the current attempt already received and keeps every new answer (with its resources) as it arrives.
struct PullRequests: Sendable {
    let client: FHIRClient
    let journal: PullJournal?

    static let metadataRequest = "GET metadata"

    func capabilities() async throws -> FHIRServerCapabilities {
        if let journal, let (page, _) = try await journal.load(request: Self.metadataRequest, page: 1), let document = page.document {
            return FHIRServerCapabilities(capabilityStatement: try FHIRJSONReader(options: .init(source: journal.store.path)).read(document))
        }
        let capabilities = try await client.capabilities()
        if let journal {
            let document = FHIRJSONWriter().write(capabilities.capabilityStatement)
            try await journal.save(request: Self.metadataRequest, page: 1, .init(document: document), resources: [])
        }
        return capabilities
    }

    /// `GET Type/id`; a resource the server does not have throws the client's not-found (or gone) error, replayed too.
    func read(_ type: String, id: String) async throws -> FHIRElement {
        let request = "GET \(type)/\(id)"
        guard let journal else { return try await client.read(type, id: id) }
        if let (page, resources) = try await journal.load(request: request, page: 1) {
            if page.status == 200, let resource = resources.first { return resource }
            throw ImmPortAPIError(
                page.status == 410 ? .gone : .notFound, url: client.redact(client.base.appending("/\(type)/\(id)")), status: page.status,
                message: "the server did not have it (answered \(page.status) when the pull asked before)")
        }
        do {
            let resource = try await client.read(type, id: id)
            let stored = ResourceToStore(resource, received: nil)
            let entries = stored.map { [PullJournal.Entry(mode: "match", key: $0.key, version: $0.version)] } ?? []
            try await journal.save(request: request, page: 1, .init(entries: entries), resources: stored.map { [$0] } ?? [])
            return resource
        } catch let error as ImmPortAPIError where error.kind == .notFound || error.kind == .gone {
            try await journal.save(request: request, page: 1, .init(status: error.kind == .gone ? 410 : 404), resources: [])
            throw error
        }
    }

    func search(_ type: String, _ parameters: [(String, String)]) -> JournaledSearch {
        JournaledSearch(client: client, journal: journal, type: type, parameters: parameters)
    }
}

/// A search whose pages come from the journal as far as the current attempt got, then from the server, going on
/// from the last stored page's next link (or from the start when that link no longer works).
struct JournaledSearch: AsyncSequence, Sendable {
    typealias Element = PullPage
    let client: FHIRClient
    let journal: PullJournal?
    let type: String
    let parameters: [(String, String)]

    func makeAsyncIterator() -> Iterator { Iterator(search: self) }

    struct Iterator: AsyncIteratorProtocol {
        let search: JournaledSearch
        var request: String
        var pageNumber = 0
        var replaying: Bool
        var lastNext: String?
        var network: FHIRSearch.Iterator?
        var resumed = false
        var finished = false

        init(search: JournaledSearch) {
            self.search = search
            request = "GET " + search.client.searchURL(search.type, search.parameters)
            replaying = search.journal != nil
        }

        mutating func next() async throws -> PullPage? {
            guard !finished else { return nil }
            if replaying, let journal = search.journal {
                if let (stored, resources) = try await journal.load(request: request, page: pageNumber + 1) {
                    pageNumber += 1
                    lastNext = stored.nextURL
                    if stored.nextURL == nil { finished = true }
                    let entries = zip(stored.entries, resources).map { entry, resource in
                        PullEntry(resource: resource, key: entry.key, mode: FHIRSearchMode(rawValue: entry.mode) ?? .match)
                    }
                    return PullPage(entries: entries, includedCount: stored.includedCount)
                }
                replaying = false
                if let lastNext {
                    network = search.client.search(search.type, search.parameters, resumingAt: lastNext).makeAsyncIterator()
                    resumed = true
                }
            }
            if network == nil { network = search.client.search(search.type, search.parameters).makeAsyncIterator() }
            let page: FHIRSearchPage?
            do {
                page = try await network!.next()
            } catch let error as ImmPortAPIError where resumed && (error.status ?? 0) >= 400 && (error.status ?? 0) < 500 {
                // The kept next link no longer works (the server forgot the search): start it again.
                resumed = false
                network = search.client.search(search.type, search.parameters).makeAsyncIterator()
                page = try await network!.next()
            }
            resumed = false
            guard let page else {
                finished = true
                return nil
            }
            pageNumber += 1
            if let journal = search.journal {
                var entries: [PullJournal.Entry] = []
                var resources: [ResourceToStore] = []
                for entry in page.entries {
                    guard let stored = ResourceToStore(entry.resource, received: entry.receivedJSON) else { continue }
                    entries.append(PullJournal.Entry(mode: entry.mode.rawValue, key: stored.key, version: stored.version))
                    resources.append(stored)
                }
                try await journal.save(
                    request: request, page: pageNumber,
                    .init(nextURL: page.nextURL, includedCount: page.includedCount, entries: entries), resources: resources)
            }
            return PullPage(
                entries: page.entries.map { PullEntry(resource: $0.resource, key: $0.key, mode: $0.mode) }, includedCount: page.includedCount)
        }
    }
}
