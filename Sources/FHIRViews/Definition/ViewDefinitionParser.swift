import FHIRModel

extension ViewDefinition {
    /// The `resourceType` values a definition may carry: the FHIR resource name, and the logical model's canonical
    /// URLs (the SQL-on-FHIR IG's and the HL7-published one). The IG's test suite writes views without one.
    public static let acceptedResourceTypes: Set<String> = [
        "ViewDefinition",
        "https://sql-on-fhir.org/ig/StructureDefinition/ViewDefinition",
        "http://hl7.org/fhir/uv/sql-on-fhir/StructureDefinition/ViewDefinition",
        "http://hl7.org/fhir/StructureDefinition/ViewDefinition",
    ]

    /// Reads and structurally checks a definition. Names, unions and paths are checked by `CompiledView`.
    public init(parsing element: FHIRElement, source: String? = nil) throws {
        do {
            self = try ViewDefinitionParser().parseView(element)
        } catch let error as ViewDefinitionError {
            throw error.from(source)
        }
    }

    /// Reads a definition from a JSON file.
    public init(contentsOf path: String) throws {
        let bytes = try FileBytes.read(path: path)
        let element = try FHIRJSONReader(options: .init(source: path)).read(bytes)
        try self.init(parsing: element, source: path)
    }
}

/// Maps the JSON shape of a ViewDefinition to the typed model, naming the exact location of every problem.
struct ViewDefinitionParser {
    /// CanonicalResource and DomainResource elements a definition may carry beside its own; they are not used.
    static let metadataKeys: Set<String> = [
        "resourceType", "id", "meta", "implicitRules", "language", "text", "contained", "extension",
        "modifierExtension", "identifier", "version", "versionAlgorithmString", "versionAlgorithmCoding",
        "experimental", "date", "publisher", "contact", "useContext", "jurisdiction", "purpose", "copyright",
        "copyrightLabel", "profile", "_name", "_status", "_resource", "_title", "_description",
    ]

    func parseView(_ element: FHIRElement) throws -> ViewDefinition {
        guard case .object(let object) = element else {
            throw ViewDefinitionError(.malformed, at: "", "a ViewDefinition must be a JSON object, not \(element.kindName)")
        }
        if let type = object["resourceType"] {
            guard let text = type.stringValue, ViewDefinition.acceptedResourceTypes.contains(text) else {
                throw ViewDefinitionError(
                    .malformed, at: "resourceType",
                    "expected \"ViewDefinition\" (or the IG's canonical URL), found \(describe(type))")
            }
        }
        let known: Set<String> = [
            "name", "url", "title", "status", "description", "resource", "fhirVersion", "constant", "select", "where",
        ]
        for key in object.keys where !known.contains(key) && !Self.metadataKeys.contains(key) {
            throw ViewDefinitionError(.malformed, at: key, "unknown element \"\(key)\"")
        }
        guard let resourceElement = object["resource"] else {
            throw ViewDefinitionError(.malformed, at: "resource", "missing: the resource type the view reads is required")
        }
        let resource = try string(resourceElement, at: "resource")
        guard isResourceTypeName(resource) else {
            throw ViewDefinitionError(.malformed, at: "resource", "\"\(resource)\" is not a FHIR resource type name")
        }
        let name = try object["name"].map { try string($0, at: "name") }
        if let name, !isSQLName(name) {
            throw ViewDefinitionError(
                .invalidName, at: "name", "\"\(name)\" is not a valid view name (^[A-Za-z][A-Za-z0-9_]*$)")
        }
        guard let selectElement = object["select"] else {
            throw ViewDefinitionError(.malformed, at: "select", "missing: a view needs at least one select")
        }
        let selects = try selectList(selectElement, at: "select")
        guard !selects.isEmpty else {
            throw ViewDefinitionError(.malformed, at: "select", "a view needs at least one select")
        }
        var fhirVersions: [String] = []
        if let versions = object["fhirVersion"] {
            fhirVersions = try array(versions, at: "fhirVersion").enumerated().map {
                try string($0.element, at: "fhirVersion[\($0.offset)]")
            }
        }
        var constants: [ViewConstant] = []
        if let constantElement = object["constant"] {
            for (index, item) in try array(constantElement, at: "constant").enumerated() {
                constants.append(try constant(item, at: "constant[\(index)]"))
            }
        }
        var whereClauses: [ViewWhere] = []
        if let whereElement = object["where"] {
            for (index, item) in try array(whereElement, at: "where").enumerated() {
                let location = "where[\(index)]"
                let members = try fields(item, at: location, allowed: ["path", "description"])
                guard let path = members["path"] else {
                    throw ViewDefinitionError(.malformed, at: location + ".path", "missing")
                }
                whereClauses.append(
                    ViewWhere(
                        path: try string(path, at: location + ".path"),
                        description: try members["description"].map { try string($0, at: location + ".description") }))
            }
        }
        return ViewDefinition(
            name: name,
            url: try object["url"].map { try string($0, at: "url") },
            title: try object["title"].map { try string($0, at: "title") },
            status: try object["status"].map { try string($0, at: "status") },
            description: try object["description"].map { try string($0, at: "description") },
            resource: resource, fhirVersions: fhirVersions, constants: constants, select: selects,
            whereClauses: whereClauses)
    }

    func selectList(_ element: FHIRElement, at location: String) throws -> [ViewSelect] {
        try array(element, at: location).enumerated().map { try select($0.element, at: "\(location)[\($0.offset)]") }
    }

    func select(_ element: FHIRElement, at location: String) throws -> ViewSelect {
        let members = try fields(
            element, at: location, allowed: ["column", "select", "unionAll", "forEach", "forEachOrNull", "repeat"])
        var result = ViewSelect()
        if let columns = members["column"] {
            result.columns = try array(columns, at: location + ".column").enumerated().map {
                try column($0.element, at: "\(location).column[\($0.offset)]")
            }
        }
        if let nested = members["select"] { result.select = try selectList(nested, at: location + ".select") }
        if let union = members["unionAll"] {
            result.unionAll = try selectList(union, at: location + ".unionAll")
            if result.unionAll.isEmpty {
                throw ViewDefinitionError(.malformed, at: location + ".unionAll", "an empty unionAll produces no rows")
            }
        }
        var iterations: [ViewIteration] = []
        if let path = members["forEach"] { iterations.append(.forEach(try string(path, at: location + ".forEach"))) }
        if let path = members["forEachOrNull"] {
            iterations.append(.forEachOrNull(try string(path, at: location + ".forEachOrNull")))
        }
        if let paths = members["repeat"] {
            let list = try array(paths, at: location + ".repeat").enumerated().map {
                try string($0.element, at: "\(location).repeat[\($0.offset)]")
            }
            if list.isEmpty { throw ViewDefinitionError(.malformed, at: location + ".repeat", "needs at least one path") }
            iterations.append(.repeat(list))
        }
        if iterations.count > 1 {
            throw ViewDefinitionError(
                .malformed, at: location,
                "at most one of forEach, forEachOrNull and repeat may be given (found \(iterations.map(\.keyword).joined(separator: ", ")))")
        }
        result.iteration = iterations.first
        if result.columns.isEmpty && result.select.isEmpty && result.unionAll.isEmpty {
            throw ViewDefinitionError(.malformed, at: location, "a select needs a column, a select or a unionAll")
        }
        return result
    }

    func column(_ element: FHIRElement, at location: String) throws -> ViewColumn {
        let members = try fields(
            element, at: location, allowed: ["name", "path", "type", "collection", "description", "tag", "tags"])
        guard let nameElement = members["name"] else {
            throw ViewDefinitionError(.malformed, at: location + ".name", "missing: every column needs a name")
        }
        guard let pathElement = members["path"] else {
            throw ViewDefinitionError(.malformed, at: location + ".path", "missing: every column needs a path")
        }
        let name = try string(nameElement, at: location + ".name")
        guard isSQLName(name) else {
            throw ViewDefinitionError(
                .invalidName, at: location + ".name", "\"\(name)\" is not a valid column name (^[A-Za-z][A-Za-z0-9_]*$)")
        }
        var collection = false
        if let flag = members["collection"] {
            guard let value = flag.boolValue else {
                throw ViewDefinitionError(.malformed, at: location + ".collection", "expected a boolean, found \(describe(flag))")
            }
            collection = value
        }
        var tags: [ViewColumnTag] = []
        // The IG's model says `tag`; its prose example says `tags`: both are read.
        for key in ["tag", "tags"] {
            guard let list = members[key] else { continue }
            for (index, item) in try array(list, at: "\(location).\(key)").enumerated() {
                let tagLocation = "\(location).\(key)[\(index)]"
                let tagMembers = try fields(item, at: tagLocation, allowed: ["name", "value"])
                guard let tagName = tagMembers["name"], let tagValue = tagMembers["value"] else {
                    throw ViewDefinitionError(.malformed, at: tagLocation, "a tag needs a name and a value")
                }
                tags.append(
                    ViewColumnTag(
                        name: try string(tagName, at: tagLocation + ".name"),
                        value: try string(tagValue, at: tagLocation + ".value")))
            }
        }
        return ViewColumn(
            name: name, path: try string(pathElement, at: location + ".path"),
            type: try members["type"].map { try string($0, at: location + ".type") }, collection: collection,
            description: try members["description"].map { try string($0, at: location + ".description") }, tags: tags)
    }

    func constant(_ element: FHIRElement, at location: String) throws -> ViewConstant {
        guard case .object(let object) = element else {
            throw ViewDefinitionError(.malformed, at: location, "expected an object, found \(describe(element))")
        }
        guard let nameElement = object["name"] else {
            throw ViewDefinitionError(.invalidConstant, at: location + ".name", "missing: every constant needs a name")
        }
        let name = try string(nameElement, at: location + ".name")
        guard isSQLName(name) else {
            throw ViewDefinitionError(
                .invalidName, at: location + ".name", "\"\(name)\" is not a valid constant name (^[A-Za-z][A-Za-z0-9_]*$)")
        }
        var found: [(key: String, type: String, kind: ViewConstant.JSONKind, value: FHIRElement)] = []
        for member in object {
            if member.key == "name" || member.key == "id" || member.key == "extension" || member.key.hasPrefix("_") {
                continue
            }
            guard member.key.hasPrefix("value"),
                let entry = ViewConstant.valueTypes.first(where: { "value" + capitalized($0.type) == member.key })
            else {
                throw ViewDefinitionError(
                    .invalidConstant, at: "\(location).\(member.key)", "unknown element \"\(member.key)\" in a constant")
            }
            found.append((member.key, entry.type, entry.kind, member.value))
        }
        guard found.count == 1, let entry = found.first else {
            throw ViewDefinitionError(
                .invalidConstant, at: location,
                found.isEmpty
                    ? "constant \"\(name)\" has no value (one value[x] such as valueString is required)"
                    : "constant \"\(name)\" has several values (\(found.map(\.key).joined(separator: ", ")))")
        }
        let valueLocation = "\(location).\(entry.key)"
        let ok: Bool
        switch (entry.kind, entry.value) {
        case (.string, .string): ok = true
        case (.boolean, .boolean): ok = true
        case (.number, .number): ok = true
        case (.integer, .number(let n)): ok = n.intValue.map { Int32(exactly: $0) != nil } ?? false
        case (.positiveInteger, .number(let n)): ok = (n.intValue ?? 0) >= 1
        case (.unsignedInteger, .number(let n)): ok = (n.intValue ?? -1) >= 0
        case (.integer64, .number(let n)): ok = n.intValue != nil
        case (.integer64, .string(let s)): ok = Int64(s) != nil
        default: ok = false
        }
        guard ok else {
            throw ViewDefinitionError(
                .invalidConstant, at: valueLocation, "\(describe(entry.value)) is not a valid \(entry.type)")
        }
        return ViewConstant(name: name, type: entry.type, value: entry.value)
    }

    // MARK: - Shape helpers

    func fields(_ element: FHIRElement, at location: String, allowed: Set<String>) throws -> FHIRObject {
        guard case .object(let object) = element else {
            throw ViewDefinitionError(.malformed, at: location, "expected an object, found \(describe(element))")
        }
        for key in object.keys where !allowed.contains(key) && key != "id" && key != "extension" {
            throw ViewDefinitionError(.malformed, at: "\(location).\(key)", "unknown element \"\(key)\"")
        }
        return object
    }

    func array(_ element: FHIRElement, at location: String) throws -> [FHIRElement] {
        guard case .array(let items) = element else {
            throw ViewDefinitionError(.malformed, at: location, "expected an array, found \(describe(element))")
        }
        return items
    }

    func string(_ element: FHIRElement, at location: String) throws -> String {
        guard case .string(let text) = element else {
            throw ViewDefinitionError(.malformed, at: location, "expected a string, found \(describe(element))")
        }
        return text
    }

    func describe(_ element: FHIRElement) -> String {
        switch element {
        case .string(let s): return "the string \"\(s)\""
        case .number(let n): return "the number \(n.text)"
        case .boolean(let b): return "the boolean \(b)"
        default: return "a JSON \(element.kindName)"
        }
    }

    func capitalized(_ type: String) -> String {
        guard let first = type.first else { return type }
        return first.uppercased() + type.dropFirst()
    }

    func isResourceTypeName(_ text: String) -> Bool {
        guard let first = text.utf8.first, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z") else { return false }
        return text.utf8.allSatisfy { isASCIILetterOrDigit($0) }
    }
}

/// The IG's `sql-name` invariant: `^[A-Za-z][A-Za-z0-9_]*$`, usable unquoted as a table or column name.
public func isSQLName(_ text: String) -> Bool {
    let bytes = text.utf8
    guard let first = bytes.first, isASCIILetter(first) else { return false }
    return bytes.allSatisfy { isASCIILetterOrDigit($0) || $0 == UInt8(ascii: "_") }
}

@inline(__always) func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
@inline(__always) func isASCIILetterOrDigit(_ b: UInt8) -> Bool { isASCIILetter(b) || (b >= 0x30 && b <= 0x39) }
