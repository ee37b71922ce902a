import FHIRModel

/// What a FHIR server's CapabilityStatement says: its FHIR release and, per resource type, the search parameters,
/// `_include` and `_revinclude` values it supports.
public struct FHIRServerCapabilities: Sendable {
    public struct ResourceSupport: Sendable {
        public var searchParameters: Set<String> = []
        public var includes: Set<String> = []
        public var revIncludes: Set<String> = []
    }

    public var fhirVersion: String?
    public var detection: FHIRVersion.Detection?
    public var software: String?
    public var resources: [String: ResourceSupport]
    /// Search parameters the server declares for every type (`rest.searchParam`).
    public var commonSearchParameters: Set<String>
    /// The statement these were read from (a pull's store keeps it to replay the pull).
    public var capabilityStatement: FHIRElement

    public init(capabilityStatement: FHIRElement) {
        self.capabilityStatement = capabilityStatement
        fhirVersion = capabilityStatement["fhirVersion"]?.stringValue
        detection = FHIRVersion.detect(capabilityStatement: capabilityStatement)
        software = capabilityStatement["software"]?["name"]?.stringValue
        resources = [:]
        commonSearchParameters = []
        let rests = capabilityStatement["rest"]?.arrayValue ?? []
        for rest in rests where (rest["mode"]?.stringValue ?? "server") == "server" {
            for parameter in rest["searchParam"]?.arrayValue ?? [] {
                if let name = parameter["name"]?.stringValue { commonSearchParameters.insert(name) }
            }
            for resource in rest["resource"]?.arrayValue ?? [] {
                guard let type = resource["type"]?.stringValue else { continue }
                var support = resources[type] ?? ResourceSupport()
                for parameter in resource["searchParam"]?.arrayValue ?? [] {
                    if let name = parameter["name"]?.stringValue { support.searchParameters.insert(name) }
                }
                for value in resource["searchInclude"]?.arrayValue ?? [] {
                    if let text = value.stringValue { support.includes.insert(text) }
                }
                for value in resource["searchRevInclude"]?.arrayValue ?? [] {
                    if let text = value.stringValue { support.revIncludes.insert(text) }
                }
                resources[type] = support
            }
        }
    }

    public func supportsSearch(_ type: String, parameter: String) -> Bool {
        commonSearchParameters.contains(parameter) || resources[type]?.searchParameters.contains(parameter) == true
    }

    /// True when `_include=<value>` may be used on a search of `type` (`*` in the statement allows anything).
    public func supportsInclude(on type: String, _ value: String) -> Bool {
        guard let support = resources[type] else { return false }
        return support.includes.contains(value) || support.includes.contains("*")
    }

    public func supportsRevInclude(on type: String, _ value: String) -> Bool {
        guard let support = resources[type] else { return false }
        return support.revIncludes.contains(value) || support.revIncludes.contains("*")
    }
}
