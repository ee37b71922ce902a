import FHIRModel
import FHIRPath
import ImmPortAPI
import Foundation

/// Turns a loaded `MappingSpec` into a `CompiledMapping`, checking everything that can be checked before a run:
/// FHIRPath syntax and types against the declared FHIR version, resource types and target elements against the
/// definitions, endpoints, query parameters and record fields against the Shared Data API's catalog, names that
/// refer to code maps, endpoints and links. `mappings check` and every run use this one compiler.
public struct MappingCompiler: Sendable {
    public let diagnostics: DiagnosticsCollector

    public init(diagnostics: DiagnosticsCollector) {
        self.diagnostics = diagnostics
    }

    /// The compiled mapping, or nil when an error was reported (all of them are, not only the first).
    public func compile(_ spec: MappingSpec) -> CompiledMapping? {
        let errorsBefore = diagnostics.diagnostics.filter { $0.severity == .error }.count
        let context = Context(spec: spec, definitions: FHIRDefinitions.forVersion(spec.fhirVersion), diagnostics: diagnostics)

        let pattern = spec.accessionPattern?.value ?? MappingSpec.defaultAccessionPattern
        if let located = spec.accessionPattern {
            do { _ = try Regex(located.value) } catch {
                context.error("accessionPattern is not a regular expression: \(error)", at: located.location)
            }
        }
        if let plan = spec.fhirPlan, (try? FileBytes.read(path: plan.value)) == nil {
            context.error("sources fhir plan: cannot read \(plan.value)", at: plan.location)
        }

        var endpoints: [String: CompiledEndpoint] = [:]
        for declaration in spec.endpoints.all {
            if let endpoint = context.compileEndpoint(declaration) { endpoints[declaration.name.value] = endpoint }
        }
        var codeMaps: [String: CompiledCodeMap] = [:]
        for declaration in spec.codeMaps.all {
            if let map = context.compileCodeMap(declaration, endpoints: endpoints) { codeMaps[declaration.name.value] = map }
        }
        var links: [CompiledLink] = []
        for declaration in spec.links.all {
            if let link = context.compileLink(declaration, endpoints: endpoints, codeMaps: codeMaps) { links.append(link) }
        }
        let ordered = context.orderByDependencies(links)
        for emit in spec.emits.all {
            context.checkEmit(emit, endpoints: endpoints, links: spec.links)
        }
        let errorsAfter = diagnostics.diagnostics.filter { $0.severity == .error }.count
        guard errorsAfter == errorsBefore, let ordered else { return nil }
        return CompiledMapping(
            spec: spec, endpoints: endpoints, codeMaps: codeMaps, links: ordered, accessionPattern: pattern)
    }

    struct Context {
        let spec: MappingSpec
        let definitions: FHIRDefinitions
        let diagnostics: DiagnosticsCollector

        func error(_ message: String, at location: SourceLocation) {
            diagnostics.emit(Diagnostic(.error, message, at: location))
        }

        func warning(_ message: String, at location: SourceLocation) {
            diagnostics.emit(Diagnostic(.warning, message, at: location))
        }

        // MARK: FHIRPath

        /// Compiles with `rootType`, placing syntax and type errors at their column inside the YAML string.
        func compile(_ expression: MappingExpression, rootType: String, what: String) -> FHIRPathExpression? {
            let options = FHIRPathCompileOptions(version: spec.fhirVersion, rootType: rootType)
            do {
                return try FHIRPathExpression(expression.text, options: options)
            } catch let error as FHIRPathSyntaxError {
                let place = expression.fileLocation(line: error.line, column: error.column, fileLines: lines(of: expression))
                self.error("\(what): FHIRPath syntax error: \(error.message)", at: place)
            } catch let error as FHIRPathCompileError {
                let place = expression.fileLocation(
                    line: error.range.line, column: error.range.column, fileLines: lines(of: expression))
                self.error("\(what): \(error.message)", at: place)
            } catch {
                self.error("\(what): \(error)", at: expression.location)
            }
            return nil
        }

        func lines(of expression: MappingExpression) -> [Substring]? {
            spec.files.first { $0.path == expression.location.source }?.lines
        }

        // MARK: FHIR definitions

        func checkResourceType(_ type: Located<String>, what: String) -> Bool {
            guard definitions.isResource(type.value) else {
                error(
                    "\(what): '\(type.value)' is not a FHIR \(spec.fhirVersion) resource type"
                        + NearestName.hint(for: type.value, among: definitions.resourceTypeNames),
                    at: type.location)
                return false
            }
            return true
        }

        /// The one element the merge writes at `path` (a field's `fhir` under `onConflict`, a fill's `element`), or
        /// nil after saying at `location` why there is none (after `context`, which says why a path is written).
        func writableElement(
            _ path: String, resourceType: String, for use: WritableElement.Use, what: String, context: String? = nil,
            at location: SourceLocation
        ) -> WritableElement? {
            switch WritableElement.resolve(path, resourceType: resourceType, for: use, definitions: definitions) {
            case .success(let element): return element
            case .failure(let refusal):
                error("\(what): \(context.map { "\($0), but " } ?? "")\(refusal)", at: location)
                return nil
            }
        }

        func hasElement(_ name: String, in resourceType: String) -> Bool {
            definitions.type(named: resourceType)?.element(named: name) != nil
        }

        // MARK: Shared Data

        func compileEndpoint(_ declaration: EndpointDeclaration) -> CompiledEndpoint? {
            let what = "endpoint \(declaration.name.value)"
            for placeholder in MappingTemplateText.placeholders(in: declaration.path.value) where placeholder != "study" {
                error("\(what) path: unknown placeholder {\(placeholder)}; a path may use {study}", at: declaration.path.location)
                return nil
            }
            let samplePath = MappingTemplateText.fill(declaration.path.value) { _ in "SDY1" }
            guard let (entry, _) = SharedDataEndpointCatalog.match(path: samplePath) else {
                // Written as a mapping writes them (`{study}`), for the hint.
                let templates = SharedDataEndpointCatalog.all.map { MappingTemplateText.fill($0.pathTemplate) { _ in "{study}" } }
                error(
                    "\(what) path: the Shared Data API has no endpoint \(declaration.path.value)"
                        + NearestName.hint(for: declaration.path.value, among: templates),
                    at: declaration.path.location)
                return nil
            }
            for (name, value) in declaration.query {
                if !entry.queryParameters.contains(name.value) {
                    error(
                        "\(what) query: \(entry.pathTemplate) takes no parameter '\(name.value)'"
                            + NearestName.hint(for: name.value, among: entry.queryParameters),
                        at: name.location)
                }
                for placeholder in MappingTemplateText.placeholders(in: value.value) where placeholder != "study" {
                    error("\(what) query \(name.value): unknown placeholder {\(placeholder)}; a query may use {study}", at: value.location)
                }
            }
            var fields = SharedDataModelCatalog.recordFields(of: entry).map(Set.init)
            if case .path = declaration.records.value { fields = nil }
            if case .object = declaration.records.value, !entry.returnsArray {
                // One record, as the catalog says: its fields are the model's.
            } else if case .array = declaration.records.value, !entry.returnsArray, fields != nil {
                warning("\(what): \(entry.pathTemplate) answers one object, not an array; say records: object", at: declaration.records.location)
            }
            return CompiledEndpoint(declaration: declaration, catalogEntry: entry, recordFields: fields)
        }

        /// A record field path's first name must be a field the endpoint's records have (when the catalog knows them).
        /// `preferredElseReported` reads `FIELDPreferred` and `FIELDReported` instead of `FIELD`.
        func checkRecordField(
            _ field: Located<String>, endpoint: CompiledEndpoint?, preferredElseReported: Bool = false, what: String
        ) {
            guard let endpoint, let known = endpoint.recordFields else { return }
            let first = String(field.value.split(separator: ".").first ?? "")
            let names = preferredElseReported ? [first + "Preferred", first + "Reported"] : [first]
            for name in names where !known.contains(name) {
                error(
                    "\(what): records of \(endpoint.catalogEntry.pathTemplate) have no field '\(name)'"
                        + NearestName.hint(for: name, among: known.sorted()),
                    at: field.location)
            }
        }

        func endpoint(_ name: Located<String>, in endpoints: [String: CompiledEndpoint], what: String) -> CompiledEndpoint? {
            if let endpoint = endpoints[name.value] { return endpoint }
            if spec.endpoints[name.value] == nil {
                error(
                    "\(what): no endpoint '\(name.value)' in sources sharedData endpoints"
                        + NearestName.hint(for: name.value, among: spec.endpoints.names),
                    at: name.location)
            }
            return nil
        }

        // MARK: Code maps

        func compileCodeMap(_ declaration: CodeMapDeclaration, endpoints: [String: CompiledEndpoint]) -> CompiledCodeMap? {
            let what = "code map \(declaration.name.value)"
            var values: [String: String] = [:]
            switch declaration.source {
            case .values(let pairs):
                for (from, to) in pairs { values[CodeMapKey.fold(from.value)] = to.value }
            case .conceptMap(let path):
                do {
                    values = try ConceptMapFile.read(path: path.value)
                } catch {
                    self.error("\(what) conceptMap: \(error)", at: path.location)
                    return nil
                }
            case .lookup(let endpointName, let from, let to):
                guard let endpoint = endpoint(endpointName, in: endpoints, what: "\(what) lookup") else { return nil }
                checkRecordField(from, endpoint: endpoint, what: "\(what) lookup from")
                checkRecordField(to, endpoint: endpoint, what: "\(what) lookup to")
            }
            return CompiledCodeMap(declaration: declaration, values: values, defaultValue: declaration.defaultValue?.value)
        }

        func checkCodeMapReference(_ name: String, at location: SourceLocation, codeMaps: [String: CompiledCodeMap], what: String) {
            guard codeMaps[name] == nil, spec.codeMaps[name] == nil else { return }
            error("\(what): no code map '\(name)'\(NearestName.hint(for: name, among: spec.codeMaps.names))", at: location)
        }

        /// Which side a field's transforms read: the Shared Data side's `ucum` transform may name the record field
        /// holding the unit (checked against the endpoint's records when the catalog knows them).
        enum TransformSide {
            case fhir
            case sharedData(CompiledEndpoint?)
        }

        func checkTransforms(
            _ transforms: [Located<MappingTransform>], side: TransformSide, codeMaps: [String: CompiledCodeMap], what: String
        ) {
            for transform in transforms {
                switch transform.value {
                case .codeMap(let name): checkCodeMapReference(name, at: transform.location, codeMaps: codeMaps, what: what)
                case .ucum(let conversion):
                    checkUnitConversion(
                        conversion, what: "\(what) ucum", side: side,
                        preferredElseReported: transforms.contains { $0.value == .preferredElseReported })
                default: break
                }
            }
        }

        /// The target must be strict UCUM and not a special unit; a unit field is a record field of the Shared
        /// Data side (read as `preferred-else-reported` reads the value, when the list has it).
        func checkUnitConversion(
            _ conversion: MappingUnitConversion, what: String, side: TransformSide, preferredElseReported: Bool
        ) {
            if case .unit(let code) = conversion.target {
                do {
                    let unit = try UCUMUnit(code)
                    if let special = unit.specialAtom {
                        error(
                            "\(what): '\(code)' cannot be a target: \(special) is a special unit (a scale with an offset or a function), which is not converted",
                            at: conversion.targetLocation)
                    }
                } catch {
                    // Free text the lenient reading understands says what UCUM writes (`IU/mL` -> `[IU]/mL`).
                    let hint = (try? UCUMFreeTextUnit.read(code)).map { " (did you mean '\($0.code)'?)" } ?? ""
                    self.error("\(what): '\(code)' is not a UCUM unit: \(error.reason)\(hint)", at: conversion.targetLocation)
                }
            }
            guard let field = conversion.unitField else { return }
            guard case .sharedData(let endpoint) = side else {
                error(
                    "\(what) unit: the FHIR side has no unit field; its unit comes from the Quantity the expression gives, or from \"NUMBER UNIT\" text",
                    at: field.location)
                return
            }
            checkRecordField(field, endpoint: endpoint, preferredElseReported: preferredElseReported, what: "\(what) unit")
        }

        /// `ucum: canonical` gives "NUMBER UNIT"; on one side only, the other side's values never equal it.
        func checkCanonicalOnBothSides(_ field: FieldDeclaration, what: String) {
            func canonical(_ transforms: [Located<MappingTransform>]) -> Located<MappingTransform>? {
                transforms.first { if case .ucum(let conversion) = $0.value { return conversion.target == .canonical } else { return false } }
            }
            let fhir = canonical(field.fhirTransforms)
            let sharedData = canonical(field.sharedDataTransforms)
            guard let one = fhir ?? sharedData, (fhir == nil) != (sharedData == nil) else { return }
            let (side, other) = fhir != nil ? ("fhir", "sharedData") : ("sharedData", "fhir")
            warning(
                "\(what) transform \(side): ucum canonical on this side only gives \"NUMBER UNIT\", which the \(other) values never equal; convert both sides",
                at: one.location)
        }

        /// Where the merge writes a field whose `onConflict` is not `keep-fhir`: a path of single elements, a
        /// primitive for `prefer-shared-data` (it writes one value), and not a `ucum` value (a number with its unit).
        func conflictTarget(_ field: FieldDeclaration, resourceType: String, what: String) -> WritableElement? {
            let policy = field.onConflict
            guard policy.value != .keepFHIR else { return nil }
            let what = "\(what) onConflict \(policy.value.rawValue)"
            guard let target = writableElement(
                field.fhir.text, resourceType: resourceType, for: policy.value == .preferSharedData ? .replace : .extend,
                what: what, context: "the merge writes the element fhir names", at: policy.location)
            else { return nil }
            if policy.value == .preferSharedData,
                field.sharedDataTransforms.contains(where: \.value.isUCUM)
            {
                error("\(what): a ucum value is a number with its unit, which one element cannot hold; use keep-both", at: policy.location)
                return nil
            }
            return target
        }

        // MARK: Links

        func compileLink(
            _ declaration: LinkDeclaration, endpoints: [String: CompiledEndpoint], codeMaps: [String: CompiledCodeMap]
        ) -> CompiledLink? {
            let what = "link \(declaration.name.value)"
            let typeKnown = checkResourceType(declaration.resourceType, what: "\(what) fhir resourceType")
            let type = declaration.resourceType.value
            let endpoint = endpoint(declaration.endpoint, in: endpoints, what: "\(what) sharedData")
            var failed = !typeKnown
            var fhirWhere: FHIRPathExpression?
            if let condition = declaration.fhirWhere, typeKnown {
                fhirWhere = compile(condition, rootType: type, what: "\(what) fhir where")
                failed = failed || fhirWhere == nil
            }
            for (field, _) in declaration.sharedDataWhere {
                checkRecordField(field, endpoint: endpoint, what: "\(what) sharedData where")
            }
            var keyParts: [CompiledKeyPart] = []
            var dependsOn: [String] = []
            for part in declaration.key {
                checkRecordField(part.sharedData, endpoint: endpoint, what: "\(what) key sharedData")
                var alternatives: [FHIRPathExpression?] = []
                for alternative in part.alternatives {
                    guard typeKnown else { continue }
                    switch alternative.value {
                    case .identifier(let system):
                        guard hasElement("identifier", in: type) else {
                            error("\(what) key: \(type) has no identifier", at: alternative.location)
                            failed = true
                            continue
                        }
                        let text = system.map { "identifier.where(system = '\(Self.escape($0))').value" } ?? "identifier.value"
                        alternatives.append(compile(MappingExpression(text: text, location: alternative.location), rootType: type, what: "\(what) key"))
                    case .idExact, .idAccessionSuffix:
                        alternatives.append(compile(MappingExpression(text: "id", location: alternative.location), rootType: type, what: "\(what) key"))
                    case .path(let expression):
                        let compiled = compile(expression, rootType: type, what: "\(what) key path")
                        failed = failed || compiled == nil
                        alternatives.append(compiled)
                    case .reference(let expression, let link):
                        let compiled = compile(expression, rootType: type, what: "\(what) key reference")
                        failed = failed || compiled == nil
                        alternatives.append(compiled)
                        if spec.links[link.value] == nil {
                            error("\(what) key: no link '\(link.value)'\(NearestName.hint(for: link.value, among: spec.links.names))", at: link.location)
                            failed = true
                        } else {
                            dependsOn.append(link.value)
                        }
                    }
                }
                keyParts.append(CompiledKeyPart(declaration: part, alternatives: alternatives))
            }
            var fields: [CompiledField] = []
            for field in declaration.fields {
                let fieldWhat = "\(what) field \(field.name.value)"
                let readsBoth = field.sharedDataTransforms.contains { $0.value == .preferredElseReported }
                checkRecordField(field.sharedData, endpoint: endpoint, preferredElseReported: readsBoth, what: "\(fieldWhat) sharedData")
                checkTransforms(field.fhirTransforms, side: .fhir, codeMaps: codeMaps, what: "\(fieldWhat) transform fhir")
                checkTransforms(
                    field.sharedDataTransforms, side: .sharedData(endpoint), codeMaps: codeMaps,
                    what: "\(fieldWhat) transform sharedData")
                checkCanonicalOnBothSides(field, what: fieldWhat)
                if field.fhirTransforms.contains(where: { $0.value == .preferredElseReported }) {
                    error("\(fieldWhat) transform fhir: preferred-else-reported reads Shared Data fields", at: field.fhirTransforms.first { $0.value == .preferredElseReported }!.location)
                }
                if case .code(let map) = field.comparison.value {
                    checkCodeMapReference(map, at: field.comparison.location, codeMaps: codeMaps, what: "\(fieldWhat) compare")
                }
                guard typeKnown, let compiled = compile(field.fhir, rootType: type, what: "\(fieldWhat) fhir") else {
                    failed = true
                    continue
                }
                fields.append(CompiledField(declaration: field, fhir: compiled, conflictTarget: conflictTarget(field, resourceType: type, what: fieldWhat)))
            }
            var mergeActions: [CompiledMergeAction] = []
            for action in declaration.merge {
                var compiled = CompiledMergeAction(declaration: action, fillTarget: nil)
                defer { mergeActions.append(compiled) }
                switch action.value {
                case .fill(let element, let from):
                    if typeKnown {
                        compiled.fillTarget = writableElement(
                            element.value, resourceType: type, for: .create, what: "\(what) merge fill", at: element.location)
                    }
                    checkRecordField(from, endpoint: endpoint, what: "\(what) merge fill from")
                case .identifier(_, let value):
                    if typeKnown, !hasElement("identifier", in: type) {
                        error("\(what) merge identifier: \(type) has no identifier", at: action.location)
                    }
                    checkRecordField(value, endpoint: endpoint, what: "\(what) merge identifier value")
                case .extension(_, let from, _):
                    checkRecordField(from, endpoint: endpoint, what: "\(what) merge extension from")
                }
            }
            guard !failed, endpoint != nil || endpoints[declaration.endpoint.value] != nil else { return nil }
            return CompiledLink(
                declaration: declaration, fhirWhere: fhirWhere, keyParts: keyParts, fields: fields, mergeActions: mergeActions,
                dependsOn: dependsOn)
        }

        /// Links sorted so each comes after the links its key reads; nil after reporting a cycle.
        func orderByDependencies(_ links: [CompiledLink]) -> [CompiledLink]? {
            let byName = Dictionary(links.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            var ordered: [CompiledLink] = []
            var state: [String: Bool] = [:]  // false: being visited, true: done
            var cycle = false
            func visit(_ link: CompiledLink, path: [String]) {
                if state[link.name] == true { return }
                if state[link.name] == false {
                    let start = path.firstIndex(of: link.name) ?? 0
                    error(
                        "link \(link.name): key references form a cycle: \((path[start...] + [link.name]).joined(separator: " -> "))",
                        at: link.declaration.name.location)
                    cycle = true
                    return
                }
                state[link.name] = false
                for dependency in link.dependsOn {
                    if let next = byName[dependency] { visit(next, path: path + [link.name]) }
                }
                state[link.name] = true
                ordered.append(link)
            }
            for link in links { visit(link, path: []) }
            return cycle ? nil : ordered
        }

        // MARK: Emit

        func checkEmit(_ emit: EmitDeclaration, endpoints: [String: CompiledEndpoint], links: NamedDeclarations<LinkDeclaration>) {
            let what = "emit \(emit.name.value)"
            let typeKnown = checkResourceType(emit.resourceType, what: "\(what) resourceType")
            let endpoint = endpoint(emit.endpoint, in: endpoints, what: what)
            let idFields = MappingTemplateText.placeholders(in: emit.id.value).filter { $0 != "study" }
            if idFields.isEmpty {
                error("\(what) id: must contain a record field ({field}) so that each record gets its own id", at: emit.id.location)
            }
            for field in idFields {
                checkRecordField(Located(field, at: emit.id.location), endpoint: endpoint, what: "\(what) id")
            }
            guard typeKnown else { return }
            let template = EmitTemplate(declaration: emit, extensionBase: spec.extensionBase)
            let problems = template.problems(links: links)
            for problem in problems {
                error("\(what) template: \(problem.message)", at: problem.location)
            }
            for placeholder in template.fields {
                checkRecordField(placeholder, endpoint: endpoint, what: "\(what) template")
            }
            // The resource a record would give, with every field filled, must be valid FHIR. A template whose
            // directives are wrong would only add the same complaint in the validator's words.
            guard problems.isEmpty else { return }
            let sample = template.instantiateForCheck(resourceType: emit.resourceType.value)
            let validator = FHIRValidator(definitions: definitions)
            for diagnostic in validator.validate(sample) where diagnostic.severity == .error {
                let place = diagnostic.location.map { template.location(ofElement: $0) } ?? emit.template.location
                error(
                    "\(what) template: the emitted \(emit.resourceType.value) is not valid: \(diagnostic.location.map { "\($0): " } ?? "")\(diagnostic.message)",
                    at: place)
            }
        }

        static func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        }
    }
}
