import FHIRModel

/// An `emit` template (docs/mappings.md, "Emitted resources"): the resource written in YAML, with `{field}`
/// placeholders in strings, `{$number field}` for a number kept as its literal text, and `$reference` objects for
/// references to linked resources. Checked here; filled per record by the merge with the same walk.
struct EmitTemplate {
    let declaration: EmitDeclaration
    let extensionBase: String
    private(set) var compiled: Part
    /// The `id` template read once into pieces.
    private(set) var idPieces: [MappingTemplateText.Piece]

    init(declaration: EmitDeclaration, extensionBase: String) {
        self.declaration = declaration
        self.extensionBase = extensionBase
        compiled = Self.compile(declaration.template)
        idPieces = MappingTemplateText.pieces(in: declaration.id.value)
    }

    /// The top-level record fields the compiled template and its id read (`{study}` is the accession, not a
    /// field): a spooled record is built only that far.
    var recordKeys: FHIRJSONKeyFilter {
        var names: Set<String> = []
        func add(_ pieces: [MappingTemplateText.Piece]) {
            for case .placeholder(let name) in pieces where name != "study" { names.insert(RecordValues.topLevelField(of: name)) }
        }
        func walk(_ part: Part) {
            switch part {
            case .text(let pieces): add(pieces)
            case .number(let field): names.insert(RecordValues.topLevelField(of: field))
            case .reference(_, let keyField): names.insert(RecordValues.topLevelField(of: keyField))
            case .array(let items): items.forEach(walk)
            case .object(let members): members.forEach { walk($0.part) }
            case .constant, .absent: break
            }
        }
        walk(compiled)
        add(idPieces)
        return FHIRJSONKeyFilter(keys: names)
    }

    /// The links the template's `$reference`s name: the merge indexes only those by accession.
    var referencedLinks: Set<String> {
        var names: Set<String> = []
        func walk(_ part: Part) {
            switch part {
            case .reference(let link, _): names.insert(link)
            case .array(let items): items.forEach(walk)
            case .object(let members): members.forEach { walk($0.part) }
            case .constant, .text, .number, .absent: break
            }
        }
        walk(compiled)
        return names
    }

    struct Problem {
        var message: String
        var location: SourceLocation
    }

    /// The record fields the template reads, with where each is written.
    var fields: [Located<String>] {
        var found: [Located<String>] = []
        collectFields(declaration.template, into: &found)
        return found
    }

    private func collectFields(_ node: MappingNode, into found: inout [Located<String>]) {
        switch node.value {
        case .scalar(let text):
            guard !node.isNull, node.style != .plain || text.contains("{") else { return }
            for placeholder in MappingTemplateText.placeholders(in: text) {
                let field = placeholder.hasPrefix("$number ") ? String(placeholder.dropFirst(8)) : placeholder
                if field != "study" { found.append(Located(field, at: node.location)) }
            }
        case .sequence(let items):
            for item in items { collectFields(item, into: &found) }
        case .mapping(let pairs):
            for pair in pairs {
                if pair.key.scalar == "$reference" {
                    if case .mapping(let inner) = pair.value.value,
                        let key = inner.first(where: { $0.key.scalar == "key" })?.value.scalar
                    {
                        found.append(Located(key, at: pair.value.location))
                    }
                } else {
                    collectFields(pair.value, into: &found)
                }
            }
        }
    }

    /// Directives that are not understood: an unknown `$` key, a `$reference` without its link or key, a link
    /// that does not exist, a `{$...}` other than `$number`, `resourceType` or `id` set by hand.
    func problems(links: NamedDeclarations<LinkDeclaration>) -> [Problem] {
        var problems: [Problem] = []
        if case .mapping(let pairs) = declaration.template.value {
            for pair in pairs where pair.key.scalar == "resourceType" || pair.key.scalar == "id" {
                problems.append(Problem(message: "'\(pair.key.scalar!)' comes from the emit's resourceType and id, not the template", location: pair.key.location))
            }
        }
        collectProblems(declaration.template, links: links, into: &problems)
        return problems
    }

    private func collectProblems(_ node: MappingNode, links: NamedDeclarations<LinkDeclaration>, into problems: inout [Problem]) {
        switch node.value {
        case .scalar(let text):
            for placeholder in MappingTemplateText.placeholders(in: text) where placeholder.hasPrefix("$") {
                if !placeholder.hasPrefix("$number ") {
                    problems.append(Problem(message: "unknown placeholder {\(placeholder)}; only {$number FIELD} starts with $", location: node.location))
                } else if text != "{\(placeholder)}" {
                    problems.append(Problem(message: "{\(placeholder)} must be the whole value, a number is not part of a text", location: node.location))
                }
            }
        case .sequence(let items):
            for item in items { collectProblems(item, links: links, into: &problems) }
        case .mapping(let pairs):
            for pair in pairs {
                guard let key = pair.key.scalar else { continue }
                if key == "$reference" {
                    guard pairs.count == 1 else {
                        problems.append(Problem(message: "$reference must be the only key of its object", location: pair.key.location))
                        continue
                    }
                    guard case .mapping(let inner) = pair.value.value,
                        let link = inner.first(where: { $0.key.scalar == "link" })?.value,
                        inner.contains(where: { $0.key.scalar == "key" }),
                        inner.count == 2
                    else {
                        problems.append(Problem(message: "$reference needs exactly link and key", location: pair.value.location))
                        continue
                    }
                    if let name = link.scalar, links[name] == nil {
                        problems.append(Problem(message: "$reference: no link '\(name)'\(NearestName.hint(for: name, among: links.names))", location: link.location))
                    }
                } else if key.hasPrefix("$") {
                    problems.append(Problem(message: "unknown directive '\(key)'; templates know $reference", location: pair.key.location))
                } else {
                    collectProblems(pair.value, links: links, into: &problems)
                }
            }
        }
    }

    /// The template node written for an element the validator names (`Observation.code.coding[0].system`): the
    /// deepest node of that path the template has, so a bad element is reported where it is written.
    func location(ofElement path: String) -> SourceLocation {
        var node = declaration.template
        var place = node.location
        for step in path.split(separator: ".").dropFirst() {
            let parts = step.split(separator: "[")
            let name = String(parts[0])
            guard case .mapping(let pairs) = node.value, let pair = pairs.first(where: { $0.key.scalar == name }) else { break }
            place = pair.key.location
            node = pair.value
            if parts.count > 1, let index = Int(parts[1].dropLast()) {
                guard case .sequence(let items) = node.value, items.indices.contains(index) else { break }
                node = items[index]
                place = node.location
            }
        }
        return place
    }

    /// The resource one record gives: placeholders filled from the record (`{study}` with the accession),
    /// `{$number f}` as a JSON number with the field's literal text, `$reference` through `reference(link, key)`.
    /// Elements whose placeholders all came out empty, and references that `reference` cannot resolve, are left
    /// out (counted in `missingReferences`), so a record with a null value gives no empty element.
    ///
    /// `meta`, when given, goes right after `id` (a template that `setsMeta` ignores it).
    func instantiate(
        record: FHIRElement, study: String, id: String, meta: FHIRElement? = nil, reference: (String, String) -> String?,
        missingReferences: inout Int
    ) -> FHIRElement {
        var object = FHIRObject(minimumCapacity: 3 + bodySize)
        object.appendUnchecked(key: "resourceType", value: .string(declaration.resourceType.value))
        object.appendUnchecked(key: "id", value: .string(id))
        if let meta, !setsMeta { object.appendUnchecked(key: "meta", value: meta) }
        let body = withoutActuallyEscaping(reference) { reference in
            Self.fill(record: record, study: study, reference: reference).build(compiled, missingReferences: &missingReferences)
        }
        if case .object(let members)? = body {
            for member in members { object.appendUnchecked(key: member.key, value: member.value) }
        }
        return .object(object)
    }

    /// What fills a record's placeholders: `{study}` the accession, any other the record's field.
    static func fill(record: FHIRElement, study: String, reference: @escaping (String, String) -> String?) -> Fill {
        Fill(value: { name in name == "study" ? study : RecordValues.firstValue(of: record, path: name) }, reference: reference)
    }

    /// How many members the template's top level has.
    var bodySize: Int {
        guard case .object(let members) = compiled else { return 0 }
        return members.count
    }

    /// Whether the template writes `meta` itself.
    var setsMeta: Bool {
        guard case .object(let members) = compiled else { return false }
        return members.contains { $0.key == "meta" }
    }

    /// A copy whose parts, strings and constants share no storage with this one's (`FHIRElement.unshared`): each
    /// chunk of records is filled from a copy of its own. Filled from one template, every record's resource retained
    /// and released its parts and constants on both cores: filling took 254 samples on two workers where one
    /// worker's took 156.
    func unshared() -> EmitTemplate {
        var copy = self
        copy.compiled = Self.unshared(compiled)
        copy.idPieces = idPieces.map(\.unshared)
        return copy
    }

    static func unshared(_ part: Part) -> Part {
        switch part {
        case .constant(let element): .constant(element.unshared)
        case .text(let pieces): .text(pieces.map(\.unshared))
        case .number(let field): .number(field: field.unshared)
        case .reference(let link, let keyField): .reference(link: link.unshared, keyField: keyField.unshared)
        case .array(let items): .array(items.map(unshared))
        case .object(let members): .object(members.map { (key: $0.key.unshared, part: unshared($0.part)) })
        case .absent: .absent
        }
    }

    /// The template read once into parts, so that filling it for each record parses no placeholder again.
    indirect enum Part {
        case constant(FHIRElement)
        /// Text with placeholders: literal pieces and record fields, in order.
        case text([MappingTemplateText.Piece])
        case number(field: String)
        case reference(link: String, keyField: String)
        case array([Part])
        case object([(key: String, part: Part)])
        case absent
    }

    static func compile(_ node: MappingNode) -> Part {
        switch node.value {
        case .scalar(let text):
            if node.isNull { return .absent }
            if node.style == .plain {
                if text == "true" { return .constant(.boolean(true)) }
                if text == "false" { return .constant(.boolean(false)) }
                if let number = FHIRNumber(text) { return .constant(.number(number)) }
            }
            let pieces = MappingTemplateText.pieces(in: text)
            guard pieces.contains(where: { if case .placeholder = $0 { return true } else { return false } }) else {
                return .constant(.string(text))
            }
            if pieces.count == 1, case .placeholder(let name) = pieces[0], name.hasPrefix("$number ") {
                return .number(field: String(name.dropFirst(8)))
            }
            return .text(pieces)
        case .sequence(let items):
            return .array(items.map(compile))
        case .mapping(let pairs):
            if pairs.count == 1, pairs[0].key.scalar == "$reference", case .mapping(let inner) = pairs[0].value.value,
                let link = inner.first(where: { $0.key.scalar == "link" })?.value.scalar,
                let keyField = inner.first(where: { $0.key.scalar == "key" })?.value.scalar
            {
                return .reference(link: link, keyField: keyField)
            }
            return .object(pairs.compactMap { pair in pair.key.scalar.map { (key: $0, part: compile(pair.value)) } })
        }
    }

    /// The template with each object's members in definition order, so that every record's resource is built in
    /// order rather than sorted after it is built (a record's absent elements only drop out). An object whose type
    /// is not known from the definitions (under a contained resource, say) keeps its order: the merge checks the
    /// result once and sorts each resource of a template still out of order.
    func inDefinitionOrder(_ order: FHIRCanonicalOrder) -> EmitTemplate {
        func ordered(_ part: Part, type: String?) -> Part {
            switch part {
            case .array(let items):
                return .array(items.map { ordered($0, type: type) })
            case .object(let members):
                let slots = members.map { member in type.flatMap { order.slot(of: member.key, inType: $0) } }
                let sorted = members.indices.sorted { (slots[$0]?.rank ?? Int.max, $0) < (slots[$1]?.rank ?? Int.max, $1) }
                return .object(sorted.map { (key: members[$0].key, part: ordered(members[$0].part, type: slots[$0]?.childType)) })
            case .constant, .text, .number, .reference, .absent:
                return part
            }
        }
        var template = self
        template.compiled = ordered(compiled, type: declaration.resourceType.value)
        return template
    }

    /// The id one record gives: the `id` template filled, with characters FHIR ids do not allow turned into `-`
    /// and cut to 64.
    func id(for record: FHIRElement, study: String) -> String {
        var text = ""
        for piece in idPieces {
            switch piece {
            case .literal(let literal): text += literal
            case .placeholder(let name): text += name == "study" ? study : (RecordValues.firstValue(of: record, path: name) ?? "")
            }
        }
        // Every Unicode scalar gives one character of the id, so a non-ASCII letter becomes one `-`.
        var allowed: [UInt8] = []
        allowed.reserveCapacity(min(text.utf8.count, 64))
        for scalar in text.unicodeScalars {
            guard allowed.count < 64 else { break }
            let value = scalar.value
            let ok = (0x61...0x7A).contains(value) || (0x41...0x5A).contains(value) || (0x30...0x39).contains(value)
                || value == 0x2D || value == 0x2E
            allowed.append(ok ? UInt8(value) : UInt8(ascii: "-"))
        }
        return String(decoding: allowed, as: UTF8.self)
    }

    /// Fills the compiled parts: `value` gives a placeholder's text (nil or empty: none), `reference` the
    /// `Type/id` a link found for a key.
    struct Fill {
        let value: (String) -> String?
        let reference: (String, String) -> String?

        /// A text's pieces filled; nil when none of its placeholders gave a value.
        func text(_ pieces: [MappingTemplateText.Piece]) -> String? {
            var text = ""
            var anyValue = false
            for piece in pieces {
                switch piece {
                case .literal(let literal): text += literal
                case .placeholder(let name):
                    let filled = value(name) ?? ""
                    if !filled.isEmpty { anyValue = true }
                    text += filled
                }
            }
            return anyValue ? text : nil
        }

        /// The `Type/id` a `$reference` names for the record; nil when its key field is empty or nothing linked.
        func target(link: String, keyField: String) -> String? {
            guard let key = value(keyField) else { return nil }
            return reference(link, key)
        }

        /// Nil for an element to leave out. (`EmitTemplateWriter` writes the same without the tree.)
        func build(_ part: Part, missingReferences: inout Int) -> FHIRElement? {
            switch part {
            case .absent:
                return nil
            case .constant(let element):
                return element
            case .number(let field):
                guard let literal = value(field), let number = FHIRNumber(literal) else { return nil }
                return .number(number)
            case .text(let pieces):
                return text(pieces).map(FHIRElement.string)
            case .reference(let link, let keyField):
                guard let target = target(link: link, keyField: keyField) else {
                    missingReferences += 1
                    return nil
                }
                var object = FHIRObject()
                object.appendUnchecked(key: "reference", value: .string(target))
                return .object(object)
            case .array(let items):
                let built = items.compactMap { build($0, missingReferences: &missingReferences) }
                return built.isEmpty ? nil : .array(built)
            case .object(let members):
                var object = FHIRObject(minimumCapacity: members.count)
                for member in members {
                    guard let value = build(member.part, missingReferences: &missingReferences) else { continue }
                    object.appendUnchecked(key: member.key, value: value)
                }
                return object.isEmpty ? nil : .object(object)
            }
        }
    }

    /// The resource the template gives for a record whose every field is "1" (a valid string, code, id, integer64
    /// text and number alike), with references to `Resource/check`: what `mappings check` validates, built by the
    /// same fill as a real record.
    func instantiateForCheck(resourceType: String) -> FHIRElement {
        var object = FHIRObject()
        object.appendUnchecked(key: "resourceType", value: .string(resourceType))
        object.appendUnchecked(key: "id", value: .string("check"))
        var missing = 0
        let body = Fill(value: { _ in "1" }, reference: { _, _ in "Resource/check" }).build(compiled, missingReferences: &missing)
        if case .object(let members)? = body {
            for member in members { object.appendUnchecked(key: member.key, value: member.value) }
        }
        return .object(object)
    }
}
