import FHIRModel
import ImmPortAPI

/// The pull stage: one study's FHIR resources (the pull plan, online or over a directory) and the records of every
/// Shared Data endpoint the mapping declares, as a `PulledStudy`.
public struct PullStage: Sendable {
    public let plan: PullPlan
    public let mapping: CompiledMapping
    public let source: StudySource
    public let diagnostics: DiagnosticsCollector

    public init(plan: PullPlan, mapping: CompiledMapping, source: StudySource, diagnostics: DiagnosticsCollector) {
        self.plan = plan
        self.mapping = mapping
        self.source = source
        self.diagnostics = diagnostics
    }


    /// The resources of a directory's `fhir/`, read once and shared by every study of a run.
    public static func readDirectory(_ root: String) throws -> FHIRResourceCollection {
        var all = FHIRResourceCollection()
        let folder = root + "/fhir"
        guard let names = DirectoryListing.names(in: folder) else {
            throw BridgeFailure(stage: .pull, message: "\(folder): cannot read the folder (expected a directory laid out like Fixtures/, with fhir/ and shared-data/)")
        }
        for name in names where name.hasSuffix(".json") || name.hasSuffix(".ndjson") || name.hasSuffix(".xml") {
            let input = try FHIRResourceInput(path: folder + "/" + name, options: .init(version: .r5))
            try input.forEachResource { resource, _ in all.add(resource) }
        }
        return all
    }

    /// Pulls one study. `directoryResources` is the directory's resources when the source is a directory (read
    /// once per run with `readDirectory`).
    public func run(accession: String, directoryResources: FHIRResourceCollection? = nil) async throws -> PulledStudy {
        let fhir: FHIRResourceCollection
        var sharedData: [String: PulledRecords] = [:]
        switch source {
        case .servers(let fhirClient, let sharedDataClient):
            let puller = StudyPuller(client: fhirClient, plan: plan, diagnostics: diagnostics)
            (fhir, _) = try await puller.pullAll(accession: accession)
            for (name, endpoint) in mapping.endpoints.sorted(by: { $0.key < $1.key }) {
                sharedData[name] = try await Self.records(of: endpoint, study: accession, client: sharedDataClient)
            }
        case .directory(let root):
            let all = try directoryResources ?? Self.readDirectory(root)
            fhir = try FHIRDirectoryPull(plan: plan).select(accession: accession, from: all, source: root + "/fhir", diagnostics: diagnostics)
            let directory = SharedDataDirectory(root: root + "/shared-data")
            for (name, endpoint) in mapping.endpoints {
                sharedData[name] = try directory.records(of: endpoint, study: accession)
            }
        }
        return PulledStudy(accession: accession, fhir: fhir, sharedData: sharedData)
    }

    /// One endpoint's records for a study from the Shared Data API. A 404 is an endpoint with nothing for the
    /// study (ImmPort answers so for studies without, say, adverse events).
    static func records(of endpoint: CompiledEndpoint, study: String, client: SharedDataClient) async throws -> PulledRecords {
        let declaration = endpoint.declaration
        let path = MappingTemplateText.fill(declaration.path.value) { _ in study }
        let query = declaration.query.map { ($0.name.value, MappingTemplateText.fill($0.value.value) { _ in study }) }
        let response: SharedDataResponse
        do {
            response = try await client.request(path: path, query: query)
        } catch let error as ImmPortAPIError where error.kind == .notFound {
            return PulledRecords(source: error.url, records: [])
        }
        switch declaration.records.value {
        case .array where response.isArray:
            return PulledRecords(source: response.url, records: try response.records.all().map(\.element))
        default:
            return PulledRecords(
                source: response.url,
                records: try SharedDataDirectory.records(in: try response.tree(), at: declaration.records.value, source: response.url))
        }
    }
}
