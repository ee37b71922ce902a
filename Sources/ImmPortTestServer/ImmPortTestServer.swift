import FHIRModel
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A loopback HTTP server that serves Fixtures/ the way ImmPort's HAPI FHIR R5 server (`/fhir`) and its Shared Data
/// API (`/data/query`) answer, with switchable faults; `POST /fhir` takes transaction and batch Bundles as HAPI
/// does (`FHIRTransactionProcessor`). For tests and benchmarks only.
public final class ImmPortTestServer: Sendable {
    public struct Configuration: Sendable {
        /// The FHIR resources the server starts with (`FHIRFixtureStore(resources: [])` for an empty server);
        /// transactions change the server's copy (`state.fhirStore`), not this one.
        public var fhir: FHIRFixtureStore
        /// Root of the Shared Data fixture files; nil serves no Shared Data API.
        public var sharedDataDirectory: String?
        public var defaultPageSize = 20
        /// Larger `_count` values are silently reduced to this, as HAPI does.
        public var maxPageSize = 50
        /// When false the CapabilityStatement lists no `_include`/`_revinclude` (clients must fall back).
        public var advertiseIncludes = true
        /// HAPI often leaves `Bundle.total` out; so does this server unless asked.
        public var sendTotal = false
        public var fhirVersion = "5.0.0"
        /// When set, Shared Data study, result and DRS endpoints answer 401 without `Authorization: Bearer <key>`.
        public var requiredAPIKey: String?
        /// `Type.parameter` search parameters accepted but not applied, like servers that ignore them
        /// (sekmet-fhir's ResearchStudy and ResearchSubject parameters).
        public var ignoredSearchParameters: Set<String> = []
        /// Study accessions whose Shared Data endpoints answer 403.
        public var restrictedStudies: [String] = []
        /// Larger request bodies are answered 413 without being read into memory.
        public var maxRequestBodyBytes = 64 << 20
        /// Root of the study files served through DRS, laid out as the manifests' `path`s (Fixtures/files).
        public var filesDirectory: String?
        /// The gene-list folder served under `/release/genelists/current/` (Fixtures/genelists); nil serves none.
        public var geneListDirectory: String?
        /// How long the bucket's signed URLs stay valid (S3 presigned URLs of ImmPort: 7 days).
        public var signedURLLifetimeSeconds = 604_800

        public init(fhir: FHIRFixtureStore, sharedDataDirectory: String? = nil) {
            self.fhir = fhir
            self.sharedDataDirectory = sharedDataDirectory
        }

        /// Fixtures/fhir and Fixtures/shared-data of this package.
        public static func fixtures() throws -> Configuration {
            var configuration = Configuration(
                fhir: try FHIRFixtureStore(directory: ImmPortTestServer.fixturesDirectory + "/fhir"),
                sharedDataDirectory: ImmPortTestServer.fixturesDirectory + "/shared-data")
            configuration.filesDirectory = ImmPortTestServer.fixturesDirectory + "/files"
            configuration.geneListDirectory = ImmPortTestServer.fixturesDirectory + "/genelists"
            return configuration
        }
    }

    /// `<package root>/Fixtures`, derived from this file's location.
    public static let fixturesDirectory: String = {
        var path = #filePath
        for _ in 0..<3 {  // .../Sources/ImmPortTestServer/ImmPortTestServer.swift -> package root
            if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) }
        }
        return path + "/Fixtures"
    }()

    public let configuration: Configuration
    public let state: ServerState
    private let channel: NIOLockedValueBox<(any Channel)?> = NIOLockedValueBox(nil)
    private let boundPort = NIOLockedValueBox(0)
    /// The server's own event loops, not NIO's shared singleton. Answers are computed on the loop that received the
    /// request (searches, transactions, gzip), and async-http-client's clients, the tool's included, run on the
    /// singleton: sharing it let a busy server (far slower under a sanitizer, on a loaded machine) hold up the
    /// connects and reads of every client in the test process, until their timeouts fired.
    private let loops: NIOLockedValueBox<MultiThreadedEventLoopGroup?> = NIOLockedValueBox(nil)

    public init(configuration: Configuration) {
        self.configuration = configuration
        state = ServerState(fhir: configuration.fhir)
    }

    /// Starts listening on `host` (loopback) and `port` (0 = any free port); returns the port.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let router = Router(configuration: configuration, state: state)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(TestHTTPHandler(router: router))
                }
            }
        let bound: any Channel
        do {
            bound = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let actual = bound.localAddress?.port ?? port
        router.port.withLockedValue { $0 = actual }
        channel.withLockedValue { $0 = bound }
        loops.withLockedValue { $0 = group }
        boundPort.withLockedValue { $0 = actual }
        return actual
    }

    public func stop() async throws {
        let bound = channel.withLockedValue { current -> (any Channel)? in
            defer { current = nil }
            return current
        }
        let group = loops.withLockedValue { current -> MultiThreadedEventLoopGroup? in
            defer { current = nil }
            return current
        }
        // Closing the loops closes every connection still open and drops answers still waiting (`.slow`).
        do {
            try await bound?.close()
        } catch {
            try? await group?.shutdownGracefully()
            throw error
        }
        try await group?.shutdownGracefully()
    }

    public var port: Int { boundPort.withLockedValue { $0 } }
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var fhirBase: String { baseURL + "/fhir" }
    public var sharedDataBase: String { baseURL + "/data/query" }
    /// The GA4GH DRS server root (before `/ga4gh/drs/v1`).
    public var drsBase: String { baseURL }
    public var geneListBase: String { baseURL + "/release/genelists/current" }

    /// Arms `fault` for the next `times` requests that `target` selects.
    public func inject(_ fault: TestFault, on target: FaultTarget = .any, times: Int = 1) {
        state.inject(FaultRule(fault: fault, target: target, remaining: times))
    }

    public func clearFaults() { state.clearFaults() }

    /// gzip-encode responses to clients that accept it.
    public func setGzip(_ on: Bool) { state.gzip = on }
}

/// Dispatches a request to the FHIR or Shared Data routes and applies the armed fault.
final class Router: Sendable {
    let configuration: ImmPortTestServer.Configuration
    let state: ServerState
    let port = NIOLockedValueBox(0)
    let fhir: FHIRRoutes
    let sharedData: SharedDataRoutes?
    let drs: DRSRoutes
    let geneLists: GeneListRoutes?

    init(configuration: ImmPortTestServer.Configuration, state: ServerState) {
        self.configuration = configuration
        self.state = state
        fhir = FHIRRoutes(configuration: configuration)
        let drs = DRSRoutes(configuration: configuration)
        self.drs = drs
        sharedData = configuration.sharedDataDirectory.map { SharedDataRoutes(directory: $0, configuration: configuration, drs: drs) }
        geneLists = configuration.geneListDirectory.map { GeneListRoutes(directory: $0) }
    }

    func respond(to request: TestRequest) -> TestResponse {
        let fhirPrefix = "/fhir"
        let sharedPrefix = "/data/query"
        let isFHIR = request.path == fhirPrefix || request.path.hasPrefix(fhirPrefix + "/")
        let searchPage = isFHIR ? Self.searchPage(request, fhirPath: String(request.path.dropFirst(fhirPrefix.count))) : nil
        let fault = state.takeFault(uri: request.uri, searchPage: searchPage)

        var response: TestResponse
        if fault?.replacesResponse == true {
            // Answered as if the server never got to the request: a faulted transaction changes nothing.
            response = .text(.ok, "")
        } else if request.bodyTooLarge {
            response = FHIRRoutes.outcome(413, "request body larger than \(configuration.maxRequestBodyBytes) bytes", code: "too-costly")
        } else if request.method != .GET, !(isFHIR && request.method == .POST) {
            response = .text(.methodNotAllowed, "only GET is served, and POST of a transaction or batch to /fhir")
        } else if isFHIR {
            let base = "http://127.0.0.1:\(port.withLockedValue { $0 })\(fhirPrefix)"
            response = fhir.respond(to: request, path: String(request.path.dropFirst(fhirPrefix.count)), baseURL: base, state: state, fault: fault)
        } else if let sharedData, request.path.hasPrefix(sharedPrefix + "/") {
            let base = "http://127.0.0.1:\(port.withLockedValue { $0 })"
            response = sharedData.respond(to: request, path: String(request.path.dropFirst(sharedPrefix.count)), baseURL: base)
        } else if request.path.hasPrefix(DRSRoutes.objectsPrefix) {
            response = drs.objects(request, baseURL: "http://127.0.0.1:\(port.withLockedValue { $0 })")
        } else if request.path.hasPrefix(DRSRoutes.bucketPrefix) {
            response = drs.bucket(request)
        } else if let geneLists, request.path.hasPrefix(GeneListRoutes.prefix) {
            response = geneLists.respond(to: request)
        } else {
            response = .text(.notFound, "no such path: \(request.path)")
        }

        switch fault {
        case .tooManyRequests(let retryAfter)?:
            response = .text(.tooManyRequests, "rate limited")
            response.headers.append(("Retry-After", retryAfter))
        case .serviceUnavailable(let retryAfter)?:
            response = .text(.serviceUnavailable, "<html><body>503 Service Temporarily Unavailable</body></html>")
            if let retryAfter { response.headers.append(("Retry-After", retryAfter)) }
        case .status(let code)?:
            response = isFHIR
                ? FHIRRoutes.outcome(code, "HAPI-0389: injected failure \(code)")
                : sharedData?.springError(code, "Injected", message: "injected failure", path: request.path) ?? .text(HTTPResponseStatus(statusCode: code), "injected")
        case .truncatedJSON?:
            response.body = Array(response.body.prefix(response.body.count / 2))
        case .slow(let seconds)?:
            response.delay = seconds
        case .resetMidBody?:
            response.delivery = .resetAfter(bytes: response.body.count / 2)
        case .corruptBody?:
            if !response.body.isEmpty { response.body[response.body.count / 2] ^= 0x20 }
        case .slowBody(let chunkBytes, let pauseSeconds)?:
            response.delivery = .trickle(chunkBytes: max(1, chunkBytes), pauseSeconds: pauseSeconds)
        case .gone?, .duplicateEntries?, .newerVersions?, nil:
            break  // applied by the FHIR routes, or nothing to do
        }

        if state.gzip, request.headers.first(name: "accept-encoding")?.lowercased().contains("gzip") == true, !response.body.isEmpty {
            response.body = Gzip.compress(response.body)
            response.headers.append(("Content-Encoding", "gzip"))
            if case .resetAfter = response.delivery { response.delivery = .resetAfter(bytes: response.body.count / 2) }
        }
        return response
    }

    /// 1 for a search request, offset / count + 1 for a `_getpages` request, nil otherwise.
    static func searchPage(_ request: TestRequest, fhirPath: String) -> Int? {
        let segments = fhirPath.split(separator: "/")
        if segments.isEmpty, request.value("_getpages") != nil {
            let offset = Int(request.value("_getpagesoffset") ?? "0") ?? 0
            let count = max(1, Int(request.value("_count") ?? "1") ?? 1)
            return offset / count + 1
        }
        if segments.count == 1, segments[0] != "metadata" { return 1 }
        return nil
    }
}

/// One connection: collects a request, asks the router, writes the answer (late, partial or whole).
final class TestHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let router: Router
    var head: HTTPRequestHead?
    var body: [UInt8] = []
    var bodyTooLarge = false

    init(router: Router) { self.router = router }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
            bodyTooLarge = false
            router.state.record(head)
        case .body(let part):
            // A body over the limit is read to its end and dropped, then answered 413 (the connection stays usable).
            guard !bodyTooLarge else { return }
            if body.count + part.readableBytes > router.configuration.maxRequestBodyBytes {
                bodyTooLarge = true
                body = []
            } else {
                body += part.readableBytesView
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let request = TestRequest(head: head, body: body, bodyTooLarge: bodyTooLarge)
            body = []
            router.state.beginResponse()
            let response = router.respond(to: request)
            if response.delay > 0 {
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(response.delay * 1000))) {
                    let (handler, context) = loopBound.value
                    handler.write(response, keepAlive: head.isKeepAlive, context: context)
                }
            } else {
                write(response, keepAlive: head.isKeepAlive, context: context)
            }
        }
    }

    func write(_ response: TestResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        router.state.endResponse()
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
        switch response.delivery {
        case .normal:
            if !response.body.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
            }
            let closeAfter = !keepAlive
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
                if closeAfter { channel.close(promise: nil) }
            }
        case .resetAfter(let bytes):
            let part = context.channel.allocator.buffer(bytes: response.body.prefix(bytes))
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(part))), promise: nil)
            context.close(promise: nil)
        case .trickle(let chunkBytes, let pauseSeconds):
            trickle(response.body[...], chunkBytes: chunkBytes, pauseSeconds: pauseSeconds, keepAlive: keepAlive, context: context)
        }
    }

    /// Sends `rest` a chunk at a time with a pause after each: a slow body, not a late one.
    func trickle(_ rest: ArraySlice<UInt8>, chunkBytes: Int, pauseSeconds: Double, keepAlive: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        if rest.isEmpty {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
                if !keepAlive { channel.close(promise: nil) }
            }
            return
        }
        let chunk = context.channel.allocator.buffer(bytes: rest.prefix(chunkBytes))
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let remaining = rest.dropFirst(chunkBytes)
        context.eventLoop.scheduleTask(in: .milliseconds(Int64(pauseSeconds * 1000))) {
            let (handler, context) = loopBound.value
            handler.trickle(remaining, chunkBytes: chunkBytes, pauseSeconds: pauseSeconds, keepAlive: keepAlive, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
