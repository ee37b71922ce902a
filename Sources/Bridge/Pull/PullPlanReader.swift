import FHIRModel
import FHIRPath

/// Turns a pull plan's JSON tree into a `PullPlan`, reporting every problem at its place in the file: unknown or
/// missing members, values of the wrong kind, unknown resource types, steps that name no earlier step, and paths
/// that do not compile (at the column inside the path). Positions are found in the bytes only for problems
/// (`JSONLineLocator`); a good plan is read without them.
struct PullPlanReader {
    typealias Path = [JSONLineLocator.PathStep]

    let source: String
    let locator: JSONLineLocator
    private(set) var problems: [Diagnostic] = []

    init(source: String, bytes: [UInt8]) {
        self.source = source
        locator = JSONLineLocator(bytes: bytes)
    }

    // MARK: - The plan

    mutating func plan(from tree: FHIRElement) -> PullPlan? {
        let members = ["name", "description", "fhirVersion", "chunkSize", "pageSize", "includeLimitPerPage", "study", "steps"]
        guard let top = object(tree, at: [], members: members) else { return nil }
        let name = string(top, "name", at: [])
        let description = string(top, "description", at: [], required: false)
        let version = fhirVersion(top, at: [])
        let chunkSize = positiveInteger(top, "chunkSize", at: [])
        let pageSize = positiveInteger(top, "pageSize", at: [])
        let includeLimit = positiveInteger(top, "includeLimitPerPage", at: [])
        let study = studyLookup(top, version: version)
        let steps = self.steps(top, study: study, version: version)
        guard let name, let version, let chunkSize, let pageSize, let includeLimit, let study, let steps else { return nil }
        return PullPlan(
            source: source, name: name, description: description, fhirVersion: version, chunkSize: chunkSize,
            pageSize: pageSize, includeLimitPerPage: includeLimit, study: study, steps: steps)
    }

    mutating func fhirVersion(_ object: FHIRObject, at path: Path) -> FHIRVersion? {
        guard let text = string(object, "fhirVersion", at: path) else { return nil }
        if let version = FHIRVersion(rawValue: text.lowercased()) ?? FHIRVersion.detect(fhirVersion: text)?.version { return version }
        problem("\"fhirVersion\" must be R4 or R5 (or 4.0.1, 5.0.0), not \"\(text)\"", at: path + [.key("fhirVersion")])
        return nil
    }

    mutating func studyLookup(_ top: FHIRObject, version: FHIRVersion?) -> PullPlan.StudyLookup? {
        let path: Path = [.key("study")]
        guard let element = required(top, "study", at: [], kind: "an object"),
            let study = object(element, at: path, members: ["resourceType", "identifierSystems"])
        else { return nil }
        let type = resourceType(study, at: path, version: version)
        let systems = strings(study, "identifierSystems", at: path, required: false, allowEmpty: true)
        guard let type else { return nil }
        return PullPlan.StudyLookup(resourceType: type, identifierSystems: systems?.map(\.text) ?? [])
    }

    // MARK: - Steps

    mutating func steps(_ top: FHIRObject, study: PullPlan.StudyLookup?, version: FHIRVersion?) -> [PullPlan.Step]? {
        guard let element = required(top, "steps", at: [], kind: "an array") else { return nil }
        guard let items = element.arrayValue else {
            problem("\"steps\" must be an array, found \(element.kindName)", at: [.key("steps")])
            return nil
        }
        // Step ids seen so far, with their resource type (nil when it was not usable: reported already).
        var known: [String: String?] = [PullPlan.studyStepID: study?.resourceType]
        var steps: [PullPlan.Step] = []
        var complete = true
        for (index, item) in items.enumerated() {
            let path: Path = [.key("steps"), .index(index)]
            guard let step = self.step(item, at: path, known: known, version: version) else {
                complete = false
                continue
            }
            if known[step.id] != nil {
                let what = step.id == PullPlan.studyStepID ? "is the study's own step" : "is used by an earlier step"
                problem("step id \"\(step.id)\" \(what)", at: path + [.key("id")])
                complete = false
            }
            known[step.id] = step.resourceType
            steps.append(step)
        }
        return complete ? steps : nil
    }

    /// A whole step, or nil (with its problems reported) when any part of it is unusable.
    mutating func step(_ element: FHIRElement, at path: Path, known: [String: String?], version: FHIRVersion?) -> PullPlan.Step? {
        let members = ["id", "resourceType", "search", "referencedFrom", "include", "revinclude"]
        guard let object = object(element, at: path, members: members) else { return nil }
        var usable = true
        let id = string(object, "id", at: path)
        let type = resourceType(object, at: path, version: version)
        if (object["search"] == nil) == (object["referencedFrom"] == nil) {
            problem("a step needs exactly one of \"search\" and \"referencedFrom\"", at: path)
            usable = false
        }
        var search: PullPlan.ReferenceSearch?
        if let element = object["search"] {
            search = referenceSearch(element, at: path + [.key("search")], type: type, known: known, version: version)
            usable = usable && search != nil
        }
        var sources: [PullPlan.ReferenceSource]?
        if let element = object["referencedFrom"] {
            sources = referenceSources(element, at: path + [.key("referencedFrom")], known: known, version: version)
            usable = usable && sources != nil
        }
        var piggybacks: [String: PullPlan.Piggyback] = [:]
        for key in ["include", "revinclude"] {
            guard let element = object[key] else { continue }
            if let piggyback = piggyback(element, at: path + [.key(key)], known: known) {
                piggybacks[key] = piggyback
            } else {
                usable = false
            }
        }
        guard usable, let id, let type else { return nil }
        return PullPlan.Step(
            id: id, resourceType: type, search: search, referencedFrom: sources, include: piggybacks["include"],
            revinclude: piggybacks["revinclude"])
    }

    mutating func referenceSearch(
        _ element: FHIRElement, at path: Path, type: String?, known: [String: String?], version: FHIRVersion?
    ) -> PullPlan.ReferenceSearch? {
        guard let object = object(element, at: path, members: ["parameter", "targets", "referencePaths"]) else { return nil }
        let parameter = string(object, "parameter", at: path)
        let targets = strings(object, "targets", at: path)
        var usable = targets.map { earlierSteps($0, known: known) } ?? false
        let paths = referencePaths(object, "referencePaths", at: path, resourceType: type, version: version)
        usable = usable && paths != nil
        guard usable, let parameter, let targets, let paths else { return nil }
        return PullPlan.ReferenceSearch(parameter: parameter, targets: targets.map(\.text), referencePaths: paths)
    }

    mutating func referenceSources(
        _ element: FHIRElement, at path: Path, known: [String: String?], version: FHIRVersion?
    ) -> [PullPlan.ReferenceSource]? {
        guard let items = element.arrayValue, !items.isEmpty else {
            problem("\"referencedFrom\" must be a non-empty array of {step, paths}", at: path)
            return nil
        }
        var sources: [PullPlan.ReferenceSource] = []
        var usable = true
        for (index, item) in items.enumerated() {
            let itemPath = path + [.index(index)]
            guard let object = object(item, at: itemPath, members: ["step", "paths"]) else {
                usable = false
                continue
            }
            guard let step = string(object, "step", at: itemPath) else {
                usable = false
                continue
            }
            guard earlierSteps([(step, itemPath + [.key("step")])], known: known) else {
                usable = false
                continue
            }
            // The paths are read on the resources of the step that holds the references.
            guard let paths = referencePaths(object, "paths", at: itemPath, resourceType: known[step] ?? nil, version: version) else {
                usable = false
                continue
            }
            sources.append(PullPlan.ReferenceSource(step: step, paths: paths))
        }
        return usable ? sources : nil
    }

    mutating func piggyback(_ element: FHIRElement, at path: Path, known: [String: String?]) -> PullPlan.Piggyback? {
        guard let object = object(element, at: path, members: ["step", "candidates"]) else { return nil }
        let step = string(object, "step", at: path)
        let candidates = strings(object, "candidates", at: path)
        var usable = step.map { earlierSteps([($0, path + [.key("step")])], known: known) } ?? false
        for (text, place) in candidates ?? [] where text.split(separator: ":", omittingEmptySubsequences: false).count < 2 {
            problem("\"\(text)\" is not an _include/_revinclude value (Type:parameter[:targetType])", at: place)
            usable = false
        }
        guard usable, let step, let candidates else { return nil }
        return PullPlan.Piggyback(step: step, candidates: candidates.map(\.text))
    }

    /// Each name must be the study step or a step before this one.
    mutating func earlierSteps(_ names: [(text: String, place: Path)], known: [String: String?]) -> Bool {
        var allKnown = true
        for (name, place) in names where known[name] == nil {
            let candidates = known.keys.sorted().joined(separator: ", ")
            problem("\"\(name)\" is not the study step or an earlier step (known here: \(candidates))", at: place)
            allKnown = false
        }
        return allKnown
    }

    /// Compiles each path against `resourceType`; nil when any fails (each failure reported at its column).
    mutating func referencePaths(
        _ object: FHIRObject, _ key: String, at path: Path, resourceType: String?, version: FHIRVersion?
    ) -> [PullReferencePath]? {
        guard let texts = strings(object, key, at: path) else { return nil }
        guard let resourceType, let version else { return nil }  // reported where the type or version was read
        var compiled: [PullReferencePath] = []
        for (text, place) in texts {
            do {
                compiled.append(try PullReferencePath(text, resourceType: resourceType, version: version))
            } catch let error as FHIRPathSyntaxError {
                problem("\"\(text)\" is not FHIRPath: \(error.message)", at: place, column: error.line == 1 ? error.column : 0)
            } catch let error as FHIRPathCompileError {
                problem(
                    "\"\(text)\" on \(resourceType) (FHIR \(version)): \(error.message)", at: place,
                    column: error.range.line == 1 ? error.range.column : 0)
            } catch {
                problem("\"\(text)\" on \(resourceType) (FHIR \(version)): \(error)", at: place)
            }
        }
        return compiled.count == texts.count ? compiled : nil
    }

    // MARK: - Values

    mutating func resourceType(_ object: FHIRObject, at path: Path, version: FHIRVersion?) -> String? {
        guard let type = string(object, "resourceType", at: path) else { return nil }
        guard let version else { return type }
        guard FHIRDefinitions.forVersion(version).isResource(type) else {
            problem("\"\(type)\" is not a FHIR \(version) resource type", at: path + [.key("resourceType")])
            return nil
        }
        return type
    }

    /// The object `element` is, with any member not in `members` reported.
    mutating func object(_ element: FHIRElement, at path: Path, members: [String]) -> FHIRObject? {
        guard case .object(let object) = element else {
            problem("expected a JSON object, found \(element.kindName)", at: path)
            return nil
        }
        for member in object where !members.contains(member.key) {
            problem("unknown member \"\(member.key)\" (expected \(members.joined(separator: ", ")))", at: path + [.key(member.key)])
        }
        return object
    }

    mutating func required(_ object: FHIRObject, _ key: String, at path: Path, kind: String) -> FHIRElement? {
        guard let value = object[key] else {
            problem("missing \"\(key)\" (\(kind))", at: path)
            return nil
        }
        return value
    }

    mutating func string(_ object: FHIRObject, _ key: String, at path: Path, required isRequired: Bool = true) -> String? {
        guard let value = isRequired ? required(object, key, at: path, kind: "a string") : object[key] else { return nil }
        guard let text = value.stringValue, !text.isEmpty else {
            problem("\"\(key)\" must be a non-empty string, found \(Self.kind(value))", at: path + [.key(key)])
            return nil
        }
        return text
    }

    mutating func positiveInteger(_ object: FHIRObject, _ key: String, at path: Path) -> Int? {
        guard let value = required(object, key, at: path, kind: "a positive integer") else { return nil }
        guard let number = value.numberValue?.intValue, number > 0 else {
            problem("\"\(key)\" must be a positive integer, found \(Self.kind(value))", at: path + [.key(key)])
            return nil
        }
        return number
    }

    /// An array of non-empty strings, each with its place (for problems found later).
    mutating func strings(
        _ object: FHIRObject, _ key: String, at path: Path, required isRequired: Bool = true, allowEmpty: Bool = false
    ) -> [(text: String, place: Path)]? {
        guard let value = isRequired ? required(object, key, at: path, kind: "an array of strings") : object[key] else { return nil }
        guard let items = value.arrayValue, allowEmpty || !items.isEmpty else {
            problem("\"\(key)\" must be a non-empty array of strings, found \(Self.kind(value))", at: path + [.key(key)])
            return nil
        }
        var texts: [(text: String, place: Path)] = []
        for (index, item) in items.enumerated() {
            let place = path + [.key(key), .index(index)]
            guard let text = item.stringValue, !text.isEmpty else {
                problem("\"\(key)\" must hold non-empty strings, found \(Self.kind(item))", at: place)
                return nil
            }
            texts.append((text, place))
        }
        return texts
    }

    static func kind(_ value: FHIRElement) -> String {
        switch value {
        case .string(let text): return text.isEmpty ? "an empty string" : "the string \"\(text)\""
        case .number(let number): return "the number \(number.text)"
        case .array(let items): return items.isEmpty ? "an empty array" : "an array"
        default: return value.kindName
        }
    }

    // MARK: - Reporting

    /// Reports `message` at the value `path` leads to; `column` counts characters inside that (string) value, 1
    /// being its first character after the quote.
    mutating func problem(_ message: String, at path: Path, column: Int = 0) {
        let (line, start) = locator.position(of: path)
        problems.append(
            Diagnostic(
                .error, message, at: SourceLocation(source: source, line: line, column: start + column),
                location: Self.describe(path)))
    }

    /// `steps[2].search.referencePaths[0]`; nil for the top level.
    static func describe(_ path: Path) -> String? {
        var text = ""
        for step in path {
            switch step {
            case .key(let name): text += text.isEmpty ? name : "." + name
            case .index(let index): text += "[\(index)]"
            }
        }
        return text.isEmpty ? nil : text
    }
}
