import FHIRModel

/// One entry of a transaction or batch Bundle, read and checked before anything is written, so that a bad entry
/// rejects a transaction while the store is untouched.
struct FHIRTransactionEntry: Sendable {
    enum Operation: Sendable {
        /// `PUT Type/id`: update, or create with that id when it is missing. `ifMatch` is a version the resource
        /// must be at (`W/"3"`).
        case update(FHIRResourceKey, ifMatch: String?)
        /// `PUT Type?parameters`: update the one resource the search finds, or create one when it finds none.
        case conditionalUpdate(type: String, query: String)
        /// `POST Type`: create with a server-assigned id, unless `ifNoneExist` (parameters) finds a resource.
        case create(type: String, ifNoneExist: String?)
    }

    /// Zero-based, as in HAPI's messages (`Bundle.entry[3]`).
    var position: Int
    var operation: Operation
    var resource: FHIRObject
    /// `urn:uuid:` or `urn:oid:` fullUrl that other entries' references may use for this entry's resource.
    var placeholder: String?

    var resourceType: String { resource["resourceType"]?.stringValue ?? "" }
    var bodyID: String? { resource["id"]?.stringValue }

    /// Reads `entry` (number `position`) of a Bundle for a server of `definitions`' release.
    init(_ entry: FHIRElement, position: Int, definitions: FHIRDefinitions) throws(FHIRRequestFailure) {
        self.position = position
        let method = entry["request"]?["method"]?.stringValue ?? ""
        guard ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"].contains(method) else {
            throw FHIRRequestFailure(
                status: 400,
                diagnostics: "HAPI-0529: Transaction bundle entry has missing or invalid HTTP Verb specified in Bundle.entry(\(position)).request.method. Found value: \"\(method)\"")
        }
        guard method == "PUT" || method == "POST" else {
            throw FHIRRequestFailure(status: 400, diagnostics: "HAPI-0538: Unable to handle verb in transaction: \(method) (this test server takes PUT and POST)")
        }
        guard case .object(let resource)? = entry["resource"], let type = resource["resourceType"]?.stringValue else {
            throw FHIRRequestFailure(status: 400, diagnostics: "Missing required resource in Bundle.entry[\(position)].resource for operation \(method)")
        }
        guard definitions.isResource(type) else {
            throw FHIRRequestFailure(
                status: 400,
                diagnostics: "Unknown resource name \"\(type)\" in Bundle.entry[\(position)].resource (this name is not known in FHIR version \"\(definitions.version)\")")
        }
        self.resource = resource
        if let fullUrl = entry["fullUrl"]?.stringValue, fullUrl.hasPrefix("urn:uuid:") || fullUrl.hasPrefix("urn:oid:") {
            placeholder = fullUrl
        }
        if let id = resource["id"] {
            // The reference parser holds FHIR's id rule.
            guard let text = id.stringValue, case .relative = FHIRReference(parsing: "\(type)/\(text)") else {
                throw FHIRRequestFailure(
                    status: 400, diagnostics: "Bundle.entry[\(position)].resource.id is not a FHIR id (1 to 64 of A-Z, a-z, 0-9, '-' and '.')")
            }
        }

        var url = entry["request"]?["url"]?.stringValue ?? ""
        if url.hasPrefix("/") { url.removeFirst() }
        if method == "POST" {
            // HAPI checks a POST's url only when one is given: it must name the resource's type.
            guard url.isEmpty || url == type || url.hasPrefix(type + "?") else {
                throw Self.mismatch(type, url: url, position: position)
            }
            var ifNoneExist = entry["request"]?["ifNoneExist"]?.stringValue
            if let condition = ifNoneExist {
                // `identifier=x` and `Patient?identifier=x` are both seen in the wild.
                if let question = condition.firstIndex(of: "?") {
                    guard condition[..<question] == type else { throw Self.mismatch(type, url: condition, position: position) }
                    ifNoneExist = String(condition[condition.index(after: question)...])
                }
                if ifNoneExist?.isEmpty == true { ifNoneExist = nil }
            }
            operation = .create(type: type, ifNoneExist: ifNoneExist)
            return
        }
        switch FHIRReference(parsing: url) {
        case .relative(let key, version: nil):
            guard key.type == type else { throw Self.mismatch(type, url: url, position: position) }
            if let bodyID = resource["id"]?.stringValue, bodyID != key.id {
                throw FHIRRequestFailure(
                    status: 400,
                    diagnostics: "Can not update resource, resource body must contain an ID element which matches the request URL for update (PUT) operation - Resource body ID of \"\(bodyID)\" does not match URL ID of \"\(key.id)\" in Bundle.entry[\(position)]")
            }
            operation = .update(key, ifMatch: entry["request"]?["ifMatch"]?.stringValue)
        case .conditional(let urlType, let query):
            guard urlType == type else { throw Self.mismatch(type, url: url, position: position) }
            operation = .conditionalUpdate(type: type, query: query)
        default:
            throw FHIRRequestFailure(
                status: 400,
                diagnostics: "Invalid request URL \"\(url)\" in Bundle.entry[\(position)].request.url: a PUT needs Type/id or Type?parameters")
        }
    }

    static func mismatch(_ type: String, url: String, position: Int) -> FHIRRequestFailure {
        FHIRRequestFailure(
            status: 400,
            diagnostics: "Resource type \"\(type)\" of Bundle.entry[\(position)].resource does not match the request URL \"\(url)\"")
    }
}
