import FHIRModel

/// The general R5 -> R4 rule, on the element tree with both releases' definition tables: every member is looked up
/// in R5 (its element and type) and in R4 (the same element of the same parent, or its renamed one). A value whose
/// type R4's element takes is kept, converted the same way all the way down; one R4 cannot hold there (no such
/// element, another type, a reference target or code R4 does not allow, a second value where R4 takes one) is
/// carried in HL7's cross-version extension `http://hl7.org/fhir/5.0/StructureDefinition/extension-<R5 path>` on
/// the R4 parent when it can be, and is recorded as a `LostElement` either way. Per-type rules (the traps the
/// general rule cannot see: statuses, arms by name, `associatedParty`) run first and hand their decisions to the walk
/// as `PlannedMember`s. One converter per study: it holds the study's comparison groups and what was lost.
final class R5ToR4Converter {
    static let extensionBase = "http://hl7.org/fhir/5.0/StructureDefinition/extension-"

    let r5 = FHIRDefinitions.r5
    let r4 = FHIRDefinitions.r4
    let carriesExtensions: Bool
    let comparisonGroups: ComparisonGroupNames
    private(set) var losses: [LostElement] = []
    /// Decisions that change a value without losing it (a status derived, a code translated): notes.
    private(set) var notes: [Diagnostic] = []
    private var currentResource = ""
    private let extensionValueTypes: Set<String>

    /// Whether resources are converted by the plans (`R5ToR4Plan`), handing the general walk only what a plan
    /// cannot vouch for; false converts every member by the general walk (the reference the plans are tested on).
    let usesPlans: Bool
    /// Where the planned walk is, for the general walk's locations when it hands a member over (see `location`).
    var locationSteps = ElementPath()
    var resourcePlans: [String: R5ToR4ObjectPlan] = [:]

    init(carriesExtensions: Bool, comparisonGroups: ComparisonGroupNames, usesPlans: Bool = true) {
        self.carriesExtensions = carriesExtensions
        self.comparisonGroups = comparisonGroups
        self.usesPlans = usesPlans
        extensionValueTypes = Set(FHIRDefinitions.r4.type(named: "Extension")?.elementDefinition(named: "value")?.typeCodes ?? [])
    }

    /// One top-level resource in its R4 form (canonical R4 order), or nil when R4 has no such resource type.
    func convertResource(_ resource: FHIRElement) -> FHIRElement? {
        guard let object = resource.objectValue, let type = object["resourceType"]?.stringValue, r4.isResource(type),
              r5.isResource(type) else { return nil }
        let outer = currentResource
        if outer.isEmpty { currentResource = "\(type)/\(object["id"]?.stringValue ?? "")" }
        defer { if outer.isEmpty { currentResource = "" } }
        var source = object
        let planned = R5ToR4ResourceRules.prepare(&source, type: type, converter: self)
        if usesPlans, let plan = resourcePlan(type) {
            // A contained resource's locations start again at its type, as the general walk's do.
            locationSteps.append(.text(type))
            defer { locationSteps.removeLast() }
            return .object(convertPlanned(source, plan: plan, planned: planned) ?? source)
        }
        let converted = convertObject(source, r5Type: type, r4Type: type, location: type, planned: planned)
        return FHIRCanonicalOrder(definitions: r4).reorder(.object(converted))
    }

    func note(_ message: String, location: String) {
        notes.append(Diagnostic(.note, message, location: location, source: currentResource))
    }

    // MARK: objects

    func convertObject(
        _ object: FHIRObject, r5Type: String, r4Type: String, location: String, planned: [PlannedMember] = []
    ) -> FHIRObject {
        guard let t5 = r5.type(named: r5Type), let t4 = r4.type(named: r4Type) else { return object }
        var out = FHIRObject(minimumCapacity: object.count + planned.count)
        var carried: [FHIRElement] = []
        for member in object.members {
            convertMember(member, of: object, t5: t5, t4: t4, r5Type: r5Type, r4Type: r4Type, location: location, into: &out, carried: &carried)
        }
        for member in planned {
            place(member, primitiveExtensions: nil, r4Type: r4Type, into: &out, carried: &carried)
        }
        appendCarried(carried, to: &out)
        return out
    }

    /// One member of an R5 object of type `t5` into the R4 object `out` (of `r4Type`), by the general rule.
    func convertMember(
        _ member: FHIRObject.Member, of object: FHIRObject, t5: FHIRTypeDefinition, t4: FHIRTypeDefinition, r5Type: String,
        r4Type: String,
        location: String, into out: inout FHIRObject, carried: inout [FHIRElement]
    ) {
        let key = member.key
        if key == "resourceType" {
            out.appendUnchecked(key: key, value: member.value)
            return
        }
        if key.utf8.first == UInt8(ascii: "_") {
            // A primitive's id and extensions travel with its value; alone (no value), they have no R4 place
            // this walk can vouch for.
            if object[String(key.dropFirst())] == nil {
                lose(member.value, typeCode: "Element", r5Path: "\(r5Type).\(key.dropFirst())", location: "\(location).\(key)",
                     reason: "a primitive's extensions without its value", parent: t4, carried: &carried)
            }
            return
        }
        guard let (e5, tc5) = t5.element(named: key) else {
            lose(member.value, typeCode: "", r5Path: "\(r5Type).\(key)", location: "\(location).\(key)",
                 reason: "R5 has no \(r5Type).\(key)", parent: t4, carried: &carried)
            return
        }
        let r5Path = "\(r5Type).\(e5.name)"
        let values = e5.isArray ? (member.value.arrayValue ?? [member.value]) : [member.value]
        let locations = values.indices.map { e5.isArray ? "\(location).\(key)[\($0)]" : "\(location).\(key)" }
        let primitiveExtensions = object["_" + key].map { e5.isArray ? ($0.arrayValue ?? [$0]) : [$0] }
        place(PlannedMember(r4Name: R5ToR4Renames.byPath[r5Path] ?? e5.name, values: values, locations: locations,
                            r5Path: r5Path, disposition: .convert(typeCode: tc5)),
              primitiveExtensions: primitiveExtensions, r4Type: r4Type, into: &out, carried: &carried)
    }

    /// What R4 cannot hold where R5 had it, carried in extensions: added to the object's `extension`.
    func appendCarried(_ carried: [FHIRElement], to out: inout FHIRObject) {
        guard !carried.isEmpty else { return }
        if let index = out.index(forKey: "extension"), case .array(let existing) = out[index].value {
            out.replaceValue(at: index, with: .array(existing + carried))
        } else {
            out.appendUnchecked(key: "extension", value: .array(carried))
        }
    }

    /// Converts a member's values into the R4 element `member.r4Name` of `r4Type` and appends it to `out`.
    func place(
        _ member: PlannedMember, primitiveExtensions: [FHIRElement]?, r4Type: String, into out: inout FHIRObject,
        carried: inout [FHIRElement]
    ) {
        guard let t4 = r4.type(named: r4Type) else { return }
        let typeCode: String
        switch member.disposition {
        case .asR4:
            guard let e4 = t4.elementDefinition(named: member.r4Name), !member.values.isEmpty else { return }
            out.appendUnchecked(key: e4.name, value: e4.isArray ? .array(member.values) : member.values[0])
            return
        case .lost(let code, let reason):
            for (value, location) in zip(member.values, member.locations) {
                lose(value, typeCode: code, r5Path: member.r5Path, location: location, reason: reason, parent: t4, carried: &carried)
            }
            return
        case .convert(let code):
            typeCode = code
        }
        guard let e4 = t4.elementDefinition(named: member.r4Name) else {
            for (value, location) in zip(member.values, member.locations) {
                lose(value, typeCode: typeCode, r5Path: member.r5Path, location: location,
                     reason: "R4 has no \(r4Type).\(member.r4Name)", parent: t4, carried: &carried)
            }
            return
        }
        let r4Path = "\(r4Type).\(e4.name)"
        var kept: [(value: FHIRElement, extras: FHIRElement?, index: Int)] = []
        var keptType: String?
        for (index, value) in member.values.enumerated() {
            let location = member.locations[index]
            switch convertValue(value, typeCode: typeCode, into: e4, r4Path: r4Path, location: location) {
            case .value(let converted, let r4TypeCode, let leftOver):
                if let leftOver {
                    lose(leftOver.value, typeCode: typeCode, r5Path: member.r5Path, location: location, reason: leftOver.reason,
                         parent: t4, carried: &carried)
                }
                var extras: FHIRElement?
                if let raw = primitiveExtensions?[safe: index], let object = raw.objectValue {
                    extras = .object(convertObject(object, r5Type: "Element", r4Type: "Element", location: location))
                }
                kept.append((converted, extras, index))
                keptType = r4TypeCode
            case .lost(let reason):
                lose(value, typeCode: typeCode, r5Path: member.r5Path, location: location, reason: reason, parent: t4, carried: &carried)
            }
        }
        if !e4.isArray, kept.count > 1 {
            for extra in kept.dropFirst() {
                lose(member.values[extra.index], typeCode: typeCode, r5Path: member.r5Path, location: member.locations[extra.index],
                     reason: "R4's \(r4Path) holds one value (\(e4.min)..\(e4.max))", parent: t4, carried: &carried)
            }
            kept = [kept[0]]
        }
        guard let first = kept.first, let keptType else { return }
        let key = e4.isChoice ? e4.jsonName(forChoiceType: keptType) : e4.name
        out.appendUnchecked(key: key, value: e4.isArray ? .array(kept.map(\.value)) : first.value)
        if kept.contains(where: { $0.extras != nil }) {
            out.appendUnchecked(key: "_" + key, value: e4.isArray ? .array(kept.map { $0.extras ?? .null }) : first.extras!)
        }
    }

    // MARK: values

    enum ConvertedValue {
        /// The R4 value and the R4 type it has; `leftOver` is a part R4 cannot hold (a CodeableReference's reference
        /// where R4 takes a CodeableConcept).
        case value(FHIRElement, typeCode: String, leftOver: (value: FHIRElement, reason: String)?)
        case lost(String)
    }

    func convertValue(
        _ value: FHIRElement, typeCode tc5: String, into e4: FHIRElementDefinition, r4Path: String, location: String
    ) -> ConvertedValue {
        let codes4 = e4.typeCodes
        if tc5 == "Resource" || r5.isResource(tc5) {
            guard let type = value.resourceType else { return .lost("not a resource") }
            guard let converted = convertResource(value) else { return .lost("R4 has no resource type \(type)") }
            return .value(converted, typeCode: codes4.first ?? "Resource", leftOver: nil)
        }
        if codes4.contains(tc5) {
            if r5.isPrimitive(tc5) { return convertPrimitive(value, from: tc5, to: tc5, r4Path: r4Path, location: location) }
            guard let object = value.objectValue else { return .lost("a JSON \(value.kindName) is no \(tc5)") }
            if tc5 == "Reference", let problem = referenceProblem(value, r4Path: r4Path) { return .lost(problem) }
            return .value(.object(convertObject(object, r5Type: tc5, r4Type: tc5, location: location)), typeCode: tc5, leftOver: nil)
        }
        if tc5 == "CodeableReference" { return convertCodeableReference(value, into: codes4, r4Path: r4Path, location: location) }
        if r5.isPrimitive(tc5), codes4.count == 1, r4.isPrimitive(codes4[0]) {
            return convertPrimitive(value, from: tc5, to: codes4[0], r4Path: r4Path, location: location)
        }
        // Shapes that moved between a backbone element and a datatype of the same structure
        // (`comparisonGroup` -> `arm`, `ExtendedContactDetail` -> `Organization.contact`).
        if !r5.isPrimitive(tc5), codes4.count == 1, codes4[0].contains("."), let object = value.objectValue {
            return .value(.object(convertObject(object, r5Type: tc5, r4Type: codes4[0], location: location)), typeCode: codes4[0], leftOver: nil)
        }
        return .lost("R4's \(r4Path) takes \(codes4.joined(separator: " | ")), not \(tc5)")
    }

    private func convertPrimitive(
        _ value: FHIRElement, from tc5: String, to tc4: String, r4Path: String, location: String
    ) -> ConvertedValue {
        switch R4PrimitiveValue.convert(value, from: tc5, to: tc4) {
        case .lost(let reason):
            return .lost(reason)
        case .value(let converted):
            guard tc4 == "code", let allowed = R4RequiredCodes.byPath[r4Path], let code = converted.stringValue,
                  !allowed.contains(code) else { return .value(converted, typeCode: tc4, leftOver: nil) }
            if let translated = R4RequiredCodes.translations[r4Path]?[code] {
                note("R5 code '\(code)' written as R4's '\(translated)' (R4's value set lacks it)", location: location)
                return .value(.string(translated), typeCode: tc4, leftOver: nil)
            }
            return .lost("'\(code)' is not in R4's value set for \(r4Path)")
        }
    }

    /// R5's CodeableReference where R4 has a CodeableConcept (its `concept`) or a Reference (its `reference`); the
    /// other half is left over.
    private func convertCodeableReference(
        _ value: FHIRElement, into codes4: [String], r4Path: String, location: String
    ) -> ConvertedValue {
        guard let object = value.objectValue else { return .lost("a JSON \(value.kindName) is no CodeableReference") }
        for (part, r4Type) in [("concept", "CodeableConcept"), ("reference", "Reference")] where codes4.contains(r4Type) {
            guard let kept = object[part]?.objectValue else { continue }
            if r4Type == "Reference", let problem = referenceProblem(.object(kept), r4Path: r4Path) { return .lost(problem) }
            var rest = object
            _ = rest.removeValue(forKey: part)
            let other = part == "concept" ? "reference" : "concept"
            let leftOver: (FHIRElement, String)? = rest[other] == nil ? nil
                : (.object(rest), "R4's \(r4Path) is a \(r4Type): the CodeableReference's \(other) has no place")
            let converted = convertObject(kept, r5Type: r4Type, r4Type: r4Type, location: "\(location).\(part)")
            return .value(.object(converted), typeCode: r4Type, leftOver: leftOver)
        }
        let has = object["concept"] != nil ? "concept" : "reference"
        return .lost("R4's \(r4Path) takes \(codes4.joined(separator: " | ")), and this CodeableReference has only a \(has)")
    }

    /// Why R4 cannot hold this reference at `r4Path`, or nil: a resource type R4 lacks, or one the element does not
    /// take in R4.
    func referenceProblem(_ value: FHIRElement, r4Path: String) -> String? {
        referenceProblem(value, allowedTargets: R4ReferenceTargets.byPath[r4Path], r4Path: r4Path)
    }

    /// The same, with the targets R4 allows at `r4Path` looked up (nil: any resource type R4 has).
    func referenceProblem(_ value: FHIRElement, allowedTargets allowed: Set<String>?, r4Path: @autoclosure () -> String) -> String? {
        var types: [String] = []
        if let type = FHIRReference(element: value)?.resourceType { types.append(type) }
        if let type = value["type"]?.stringValue, !type.contains("/") { types.append(type) }
        for type in types {
            if !r4.isResource(type) { return "R4 has no resource type \(type)" }
            if let allowed, !allowed.contains(type) {
                return "R4's \(r4Path()) takes \(allowed.sorted().joined(separator: " | ")), not \(type)"
            }
        }
        return nil
    }

    // MARK: what R4 cannot hold

    /// Records `value` as lost and, when the parent can take an extension and one can hold the value, carries it.
    func lose(
        _ value: FHIRElement, typeCode: String, r5Path: String, location: String, reason: String,
        parent: FHIRTypeDefinition, carried: inout [FHIRElement]
    ) {
        var carriedIn: String?
        if carriesExtensions, parent.elementDefinition(named: "extension") != nil, !typeCode.isEmpty {
            let url = Self.extensionBase + r5Path
            if let ext = crossVersionExtension(url: url, value: value, typeCode: typeCode, location: location) {
                carried.append(ext)
                carriedIn = url
            }
        }
        losses.append(LostElement(resource: currentResource, location: location, elementPath: r5Path, reason: reason, carriedIn: carriedIn))
    }

    /// HL7's cross-version extension for an R5 value: `value[x]` when the value's type is one an R4 extension may
    /// have (converted as R4 all the way down), else one sub-extension per child named by the child's element name
    /// (backbone elements, CodeableReference); nil when neither can hold it (`integer64`).
    func crossVersionExtension(url: String, value: FHIRElement, typeCode: String, location: String) -> FHIRElement? {
        var ext = FHIRObject()
        ext.appendUnchecked(key: "url", value: .string(url))
        if extensionValueTypes.contains(typeCode) {
            let key = "value" + typeCode.prefix(1).uppercased() + typeCode.dropFirst()
            if r4.isPrimitive(typeCode) {
                guard case .value(let converted) = R4PrimitiveValue.convert(value, from: typeCode, to: typeCode) else { return nil }
                ext.appendUnchecked(key: key, value: converted)
            } else {
                guard let object = value.objectValue else { return nil }
                let converted = convertObject(object, r5Type: typeCode, r4Type: typeCode, location: location)
                ext.appendUnchecked(key: key, value: FHIRCanonicalOrder(definitions: r4).reorder(.object(converted), asType: typeCode))
            }
            return .object(ext)
        }
        guard let object = value.objectValue, let t5 = r5.type(named: typeCode), !r5.isPrimitive(typeCode) else { return nil }
        var parts: [FHIRElement] = []
        for member in object.members where member.key != "id" && member.key != "modifierExtension" && !member.key.hasPrefix("_") {
            guard let (e5, tc5) = t5.element(named: member.key) else { continue }
            let values = e5.isArray ? (member.value.arrayValue ?? [member.value]) : [member.value]
            for (index, item) in values.enumerated() {
                let itemLocation = e5.isArray ? "\(location).\(member.key)[\(index)]" : "\(location).\(member.key)"
                if member.key == "extension", let object = item.objectValue {
                    parts.append(.object(convertObject(object, r5Type: "Extension", r4Type: "Extension", location: itemLocation)))
                } else if let part = crossVersionExtension(url: e5.name, value: item, typeCode: tc5, location: itemLocation) {
                    parts.append(part)
                } else {
                    losses.append(LostElement(resource: currentResource, location: itemLocation, elementPath: "\(typeCode).\(e5.name)",
                                              reason: "no R4 extension value holds an R5 \(tc5)", carriedIn: nil))
                }
            }
        }
        guard !parts.isEmpty else { return nil }
        ext.appendUnchecked(key: "extension", value: .array(parts))
        return .object(ext)
    }
}

fileprivate extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
