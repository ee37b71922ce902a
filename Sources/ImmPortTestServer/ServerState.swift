import NIOConcurrencyHelpers
import NIOHTTP1

/// What the server remembers between requests: the FHIR resources (which transactions change), stored searches,
/// armed faults, the requests it saw.
public final class ServerState: Sendable {
    struct Search: Sendable {
        var matches: [Int]
        /// `_include` / `_revinclude` of the original request.
        var query: [(String, String)]
        var count: Int
    }

    /// One request as the server received it.
    public struct RecordedRequest: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(String, String)]
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    private struct Storage: Sendable {
        var fhir: FHIRFixtureStore
        var searches: [String: Search] = [:]
        var nextSearch = 1
        var faults: [FaultRule] = []
        var requests: [RecordedRequest] = []
        var gzip = false
        var inFlight = 0
        var maxInFlight = 0
    }

    /// A pthread lock (NIOLockedValueBox), not `Synchronization.Mutex`: the server's event loop threads and the tests
    /// share this state, and ThreadSanitizer sees this lock but not Mutex's futex (docs/fuzzing.md), so its runs
    /// check every access here instead of reporting them all as races.
    private let storage: NIOLockedValueBox<Storage>

    init(fhir: FHIRFixtureStore) {
        storage = NIOLockedValueBox(Storage(fhir: fhir))
    }

    /// The FHIR resources as they are now (a copy: later writes do not change it).
    public var fhirStore: FHIRFixtureStore { storage.withLockedValue { $0.fhir } }

    /// Runs `body` on the FHIR resources under the state's lock: no request sees a transaction half applied, and
    /// transactions run one after another.
    func updateFHIRStore<R>(_ body: (inout FHIRFixtureStore) -> R) -> R {
        storage.withLockedValue { body(&$0.fhir) }
    }

    func storeSearch(_ search: Search) -> String {
        storage.withLockedValue { state in
            // HAPI's ids are UUIDs; a counter in UUID shape keeps runs reproducible.
            let id = "00000000-0000-4000-8000-\(String(state.nextSearch, radix: 16).leftPadded(to: 12))"
            state.nextSearch += 1
            state.searches[id] = search
            return id
        }
    }

    func search(_ id: String) -> Search? { storage.withLockedValue { $0.searches[id] } }
    func forgetSearch(_ id: String) { _ = storage.withLockedValue { $0.searches.removeValue(forKey: id) } }

    func inject(_ rule: FaultRule) { storage.withLockedValue { $0.faults.append(rule) } }
    func clearFaults() { storage.withLockedValue { $0.faults.removeAll() } }
    public var pendingFaults: Int { storage.withLockedValue { $0.faults.reduce(0) { $0 + $1.remaining } } }

    /// The first armed fault that hits this request, consumed by one.
    func takeFault(uri: String, searchPage: Int?) -> TestFault? {
        storage.withLockedValue { state in
            for index in state.faults.indices where state.faults[index].remaining > 0 {
                let rule = state.faults[index]
                let hits: Bool
                switch rule.target {
                case .any: hits = true
                case .pathContains(let text): hits = uri.contains(text)
                case .searchPage(let number): hits = searchPage == number
                }
                if hits {
                    state.faults[index].remaining -= 1
                    return rule.fault
                }
            }
            return nil
        }
    }

    func record(_ head: HTTPRequestHead) {
        let request = RecordedRequest(
            method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) })
        storage.withLockedValue { $0.requests.append(request) }
    }

    func beginResponse() {
        storage.withLockedValue { state in
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
        }
    }

    func endResponse() { storage.withLockedValue { $0.inFlight -= 1 } }

    /// The most requests that were being answered at the same moment.
    public var maxConcurrentRequests: Int { storage.withLockedValue { $0.maxInFlight } }

    public var requests: [RecordedRequest] { storage.withLockedValue { $0.requests } }
    public func clearRequests() { storage.withLockedValue { $0.requests.removeAll() } }

    public var gzip: Bool {
        get { storage.withLockedValue { $0.gzip } }
        set { storage.withLockedValue { $0.gzip = newValue } }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
