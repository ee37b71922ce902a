import FHIRModel

/// The pages of one search, fetched as they are consumed.
///
/// Follows `Bundle.link[relation=next]` as an opaque URL. When a page answers 410 Gone (HAPI expired the search)
/// the search starts again from its first URL and everything already handed out is skipped. Resources are
/// de-duplicated by `Type/id` across pages: a later copy is handed out again only when its `meta.versionId` is newer
/// (flagged `replacesEarlierVersion`). With `prefetch`, the next page is requested as soon as this page's header is
/// parsed, so downloading, parsing and the caller's handling of pages overlap (`FHIRSearchPrefetcher`).
public struct FHIRSearch: AsyncSequence, Sendable {
    public typealias Element = FHIRSearchPage

    public struct Options: Sendable {
        /// Request the next page as soon as the current one's header is parsed, so that pages download and parse while
        /// earlier ones are consumed (at most one page ahead).
        public var prefetch: Bool
        /// How many times an expired search may be started again.
        public var maxRestarts: Int
        /// A safety stop for servers whose next links never end.
        public var maxPages: Int

        public init(prefetch: Bool = false, maxRestarts: Int = 3, maxPages: Int = 1_000_000) {
            self.prefetch = prefetch
            self.maxRestarts = maxRestarts
            self.maxPages = maxPages
        }
    }

    let client: FHIRClient
    public let initialURL: String
    let options: Options
    /// Where to start instead of `initialURL`: a next link kept from an earlier run. When it has expired (410) the
    /// search starts again from `initialURL`, as for any expired page.
    var resumeURL: String? = nil

    public func makeAsyncIterator() -> Iterator { Iterator(search: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let search: FHIRSearch
        var nextURL: String?
        var deduplicator = FHIRResourceDeduplicator()
        var pageNumber = 0
        /// Entries handed out so far: the next entry's `sequence`.
        var handedOut = 0
        var restarts = 0
        var restartPending = false
        /// Set when prefetching is on.
        let prefetcher: FHIRSearchPrefetcher?

        /// A `Bundle.total` above this is not trusted for sizing the de-duplication table up front.
        static let largestReservation = 1_000_000

        init(search: FHIRSearch) {
            self.search = search
            nextURL = search.resumeURL ?? search.initialURL
            prefetcher = search.options.prefetch ? FHIRSearchPrefetcher(client: search.client) : nil
        }

        public mutating func next() async throws -> FHIRSearchPage? {
            guard let url = nextURL else { return nil }
            let bundle: FHIRClient.FetchedBundle
            do {
                bundle = try await fetch(url)
            } catch let error as ImmPortAPIError where error.kind == .gone && url != search.initialURL {
                prefetcher?.cancel()
                guard restarts < search.options.maxRestarts else {
                    var final = error
                    final.message += "; the search expired \(restarts + 1) times, giving up"
                    throw final
                }
                restarts += 1
                restartPending = true
                search.client.transport.logger.notice(
                    "search page expired (410); restarting the search and skipping what was already received",
                    metadata: ["url": "\(error.url)", "restart": "\(restarts)"])
                nextURL = search.initialURL
                return try await next()
            }
            pageNumber += 1
            guard pageNumber <= search.options.maxPages else {
                throw ImmPortAPIError(
                    .invalidResponse, url: bundle.redactedURL, message: "more than \(search.options.maxPages) pages; stopping")
            }
            try advance(from: bundle)
            return page(from: bundle)
        }

        mutating func fetch(_ url: String) async throws -> FHIRClient.FetchedBundle {
            guard let prefetcher else { return try await search.client.fetchBundle(url) }
            do {
                if let ahead = prefetcher.take(url) { return try await ahead.value }
                return try await prefetcher.fetch(url)
            } catch {
                prefetcher.cancel()
                throw error
            }
        }

        /// Checks the next link (the prefetcher, if on, has usually requested it already).
        mutating func advance(from bundle: FHIRClient.FetchedBundle) throws {
            guard let next = bundle.next, !next.isEmpty else {
                nextURL = nil
                return
            }
            let resolved = HTTPTransport.resolve(next, against: bundle.url)
            let redactor = search.client.transport.redactor
            guard search.client.base.isSameOrigin(as: resolved) else {
                throw ImmPortAPIError(
                    .invalidResponse, url: bundle.redactedURL,
                    message: "the next-page link \(redactor.redact(resolved)) leaves the server \(redactor.redact(search.client.base.url)); not following it")
            }
            guard resolved != bundle.url else {
                throw ImmPortAPIError(.invalidResponse, url: bundle.redactedURL, message: "the next-page link points to the same page")
            }
            nextURL = resolved
            // A Bundle whose link follows its entries had no header to offer the link from.
            prefetcher?.offer(next, from: bundle.url)
        }

        mutating func page(from bundle: FHIRClient.FetchedBundle) -> FHIRSearchPage {
            if pageNumber == 1, let total = bundle.total, total > 0 {
                deduplicator.reserveCapacity(Swift.min(total, Self.largestReservation))
            }
            var entries: [FHIRSearchEntry] = []
            entries.reserveCapacity(bundle.entries.count)
            var outcomes: [FHIRElement] = []
            var duplicates = 0
            var included = 0
            for entry in bundle.entries {
                guard let resource = entry.resource else { continue }
                if entry.mode == .include { included += 1 }
                if entry.isOutcome {
                    outcomes.append(resource)
                    continue
                }
                let key = entry.key
                    ?? HashedResourceKey(FHIRResourceKey(type: resource.resourceType ?? "?", id: "#page\(pageNumber)-\(entries.count)"))
                let (verdict, replaced) = deduplicator.admit(key, versionId: entry.versionId, tag: handedOut)
                if verdict == .duplicate {
                    duplicates += 1
                    continue
                }
                entries.append(
                    FHIRSearchEntry(
                        resource: resource, key: key.key, mode: entry.mode, fullUrl: entry.fullUrl, receivedJSON: entry.json,
                        sequence: handedOut, replacedSequence: replaced))
                handedOut += 1
            }
            defer { restartPending = false }
            return FHIRSearchPage(
                number: pageNumber, url: bundle.redactedURL, total: bundle.total, entries: entries, outcomes: outcomes,
                duplicatesDropped: duplicates, restartedAfterExpiry: restartPending, includedCount: included, nextURL: nextURL)
        }
    }
}
