import Synchronization

/// Requests a search's next page ahead of the consumer, as early as possible and at most one page ahead.
///
/// A page's next link is in the Bundle's header, which HAPI sends before the entries, and the page's parse reports it
/// (`offer`) before it reads the entries. So the next request goes out while this page is still being parsed, and the
/// page after that is parsed on another core while the consumer de-duplicates and writes this one: downloading,
/// parsing and consuming overlap instead of taking turns.
///
/// Bounded: besides the page the consumer is waiting for, one page is requested or held (`ahead`). A next link that
/// arrives while that slot is taken is remembered (`deferred`) and requested when the consumer takes the page in
/// the slot. Offers are checked as the iterator checks next links (same origin, not the same page); one that fails
/// is not prefetched, and the iterator reports it when it gets there.
final class FHIRSearchPrefetcher: Sendable {
    typealias PageTask = Task<FHIRClient.FetchedBundle, any Error>

    struct State {
        var ahead: (url: String, task: PageTask)?
        var deferred: String?
    }

    let client: FHIRClient
    let state = Mutex(State())

    init(client: FHIRClient) { self.client = client }

    /// The fetch the iterator makes itself: the page's next link is offered as soon as its header is parsed.
    func fetch(_ url: String) async throws -> FHIRClient.FetchedBundle {
        try await client.fetchBundle(url) { [self] next, pageURL in offer(next, from: pageURL) }
    }

    /// The page at `url`, if it was requested ahead (the deferred one, if any, is requested now in its place);
    /// nil otherwise, after cancelling whatever was requested ahead, which is then not what the consumer wants.
    func take(_ url: String) -> PageTask? {
        state.withLock { state in
            guard let ahead = state.ahead, ahead.url == url else {
                state.ahead?.task.cancel()
                state.ahead = nil
                state.deferred = nil
                return nil
            }
            state.ahead = nil
            if let deferred = state.deferred {
                state.deferred = nil
                state.ahead = (deferred, start(deferred))
            }
            return ahead.task
        }
    }

    /// A next link read from a page's header (a retried page offers its link again: that is ignored).
    func offer(_ next: String, from pageURL: String) {
        guard !next.isEmpty else { return }
        let resolved = HTTPTransport.resolve(next, against: pageURL)
        guard client.base.isSameOrigin(as: resolved), resolved != pageURL else { return }
        state.withLock { state in
            if state.ahead?.url == resolved || state.deferred == resolved { return }
            if state.ahead == nil {
                state.ahead = (resolved, start(resolved))
            } else {
                state.deferred = resolved
            }
        }
    }

    /// Cancels what was requested ahead (the search ended or failed).
    func cancel() {
        state.withLock { state in
            state.ahead?.task.cancel()
            state.ahead = nil
            state.deferred = nil
        }
    }

    private func start(_ url: String) -> PageTask {
        Task { [self] in try await fetch(url) }
    }
}
