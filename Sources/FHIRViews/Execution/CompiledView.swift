import FHIRModel
import FHIRPath

/// A ViewDefinition checked and compiled once: names, unions and constants validated, every path compiled to a
/// `FHIRPathExpression`, every column given its slot in the output row. Then `rows(for:)` runs it on any number
/// of resources (from any number of threads).
public struct CompiledView: Sendable {
    public let definition: ViewDefinition
    public let table: ViewTable
    let root: CompiledSelect
    let filters: [CompiledFilter]
    /// `%name` values shared by every evaluation.
    let constants: [String: [FHIRPathItem]]
    /// False when no path mentions `%rowIndex`: the variables dictionary is then built once, not per row.
    let usesRowIndex: Bool
    /// The members of a resource this view may read (nil: any): `resourceType`, `id` (named in errors) and what
    /// the paths evaluated on the resource itself read. A reader need not build the others.
    public let topLevelKeys: FHIRJSONKeyFilter?
    /// The FHIR release the paths were compiled for (also the one XML input is read with).
    public let version: FHIRVersion

    public init(_ definition: ViewDefinition, options: ViewCompileOptions = .init()) throws {
        self.definition = definition
        guard let name = options.tableName ?? definition.name else {
            throw ViewDefinitionError(.invalidName, at: "name", "the view has no name: one is needed for its table")
        }
        guard isSQLName(name) else {
            throw ViewDefinitionError(.invalidName, at: "name", "\"\(name)\" is not a valid table name (^[A-Za-z][A-Za-z0-9_]*$)")
        }
        let layout = try ViewTableLayout(definition)
        table = ViewTable(name: name, columns: layout.columns)

        var constantNames = Set<String>()
        var constants: [String: [FHIRPathItem]] = [:]
        for (index, constant) in definition.constants.enumerated() {
            guard constantNames.insert(constant.name).inserted else {
                throw ViewDefinitionError(
                    .invalidConstant, at: "constant[\(index)].name", "constant \"\(constant.name)\" is defined twice")
            }
            constants[constant.name] = [FHIRPathItem.element(constant.value, type: constant.type)]
        }
        self.constants = constants

        version = options.version ?? Self.version(of: definition)
        var compiler = PathCompiler(
            version: version, resourceType: definition.resource,
            constants: constantNames, slots: Dictionary(uniqueKeysWithValues: layout.names.enumerated().map { ($1, $0) }))
        filters = try definition.whereClauses.enumerated().map { index, clause in
            CompiledFilter(
                location: "where[\(index)]",
                expression: try compiler.compile(clause.path, at: "where[\(index)].path", focusType: definition.resource))
        }
        let topLevel = ViewSelect(select: definition.select)
        root = try compiler.compile(topLevel, at: "", focusType: definition.resource)
        usesRowIndex = compiler.usesRowIndex
        var keys = FHIRJSONKeyFilter.union(
            FHIRJSONKeyFilter.resourceIdentity, Self.keysRead(by: root, onResource: true))
        for filter in filters { keys = FHIRJSONKeyFilter.union(keys, filter.expression.focusKeys) }
        topLevelKeys = keys
    }

    /// The resource members the paths of `select` may read. `onResource`: its paths run on the resource itself
    /// (not inside a `forEach`), so their own members count; inside, only a path reaching back out does.
    static func keysRead(by select: CompiledSelect, onResource: Bool) -> FHIRJSONKeyFilter? {
        func read(_ expression: FHIRPathExpression, onResource: Bool) -> FHIRJSONKeyFilter? {
            if onResource { return expression.focusKeys }
            return expression.readsBeyondFocus ? nil : FHIRJSONKeyFilter()
        }
        var keys: FHIRJSONKeyFilter? = FHIRJSONKeyFilter()
        var inner = onResource
        switch select.iteration {
        case .forEach(let e)?, .forEachOrNull(let e)?:
            keys = read(e, onResource: onResource)
            inner = false
        case .repeat(let paths)?:
            for e in paths { keys = FHIRJSONKeyFilter.union(keys, read(e, onResource: onResource)) }
            // Repeated paths also run on their own results, which are inside the resource.
            for e in paths where e.readsBeyondFocus { keys = nil }
            inner = false
        case nil:
            break
        }
        for column in select.columns { keys = FHIRJSONKeyFilter.union(keys, read(column.expression, onResource: inner)) }
        for nested in select.selects + select.unionAll {
            keys = FHIRJSONKeyFilter.union(keys, keysRead(by: nested, onResource: inner))
        }
        return keys
    }

    /// The FHIR release a view declares (`fhirVersion` 4.x → R4, 5.x → R5), R4 when it declares none.
    static func version(of definition: ViewDefinition) -> FHIRVersion {
        for code in definition.fhirVersions {
            if let detected = FHIRVersion.detect(fhirVersion: code) { return detected.version }
        }
        return .r4
    }

    /// The resource type the view reads.
    public var resourceType: String { definition.resource }

    /// Emits the rows `resource` produces (none when it is of another type or fails a `where`), values in column
    /// order. Throws `ViewRuntimeError`.
    public func rows(for resource: FHIRElement, _ emit: ([FHIRElement]) throws -> Void) throws {
        guard resource.resourceType == definition.resource else { return }
        let run = ViewEvaluation(view: self, resource: resource)
        let focus = FHIRPathItem.element(resource, type: definition.resource)
        for filter in filters {
            guard try run.passes(filter, focus: focus) else { return }
        }
        var row = [FHIRElement](repeating: .null, count: table.columns.count)
        try run.emit(root, focus: focus, rowIndex: 0, row: &row) { row in try emit(row) }
    }

    /// All rows of `resource`, collected (convenience for tests and small inputs).
    public func rows(for resource: FHIRElement) throws -> [[FHIRElement]] {
        var rows: [[FHIRElement]] = []
        try self.rows(for: resource) { rows.append($0) }
        return rows
    }
}

/// A selection structure with compiled paths and resolved column slots.
///
/// The compiled parts of a view are classes: rows are produced by passing selects, columns and iterations down for
/// every resource and row, and a reference costs one retain where a struct of arrays and expressions cost one per
/// field (measured: a third of a view's time).
final class CompiledSelect: Sendable {
    let columns: [CompiledColumn]
    let selects: [CompiledSelect]
    let unionAll: [CompiledSelect]
    let iteration: CompiledIteration?
    /// Slots of every column under this structure: set to null for `forEachOrNull`'s empty case.
    let allSlots: [Int]

    init(
        columns: [CompiledColumn], selects: [CompiledSelect], unionAll: [CompiledSelect],
        iteration: CompiledIteration?, allSlots: [Int]
    ) {
        self.columns = columns
        self.selects = selects
        self.unionAll = unionAll
        self.iteration = iteration
        self.allSlots = allSlots
    }
}

final class CompiledColumn: Sendable {
    let name: String
    let slot: Int
    let collection: Bool
    let expression: FHIRPathExpression
    /// The path mentions `%rowIndex`: it still has a value (0) in `forEachOrNull`'s row of nulls.
    let usesRowIndex: Bool

    init(name: String, slot: Int, collection: Bool, expression: FHIRPathExpression, usesRowIndex: Bool) {
        self.name = name
        self.slot = slot
        self.collection = collection
        self.expression = expression
        self.usesRowIndex = usesRowIndex
    }
}

enum CompiledIteration: Sendable {
    case forEach(FHIRPathExpression)
    case forEachOrNull(FHIRPathExpression)
    case `repeat`([FHIRPathExpression])
}

struct CompiledFilter: Sendable {
    var location: String
    var expression: FHIRPathExpression
}

/// Compiles the paths of a view, naming the location of any error.
struct PathCompiler {
    let version: FHIRVersion
    let resourceType: String
    let constants: Set<String>
    let slots: [String: Int]
    var usesRowIndex = false

    init(version: FHIRVersion, resourceType: String, constants: Set<String>, slots: [String: Int]) {
        self.version = version
        self.resourceType = resourceType
        self.constants = constants
        self.slots = slots
    }

    /// `focusType`: the FHIR type of what the path is evaluated on, when known (the resource, or the single type a
    /// `forEach` gives): the path is then checked against its definition and its members resolved once.
    mutating func compile(_ path: String, at location: String, focusType: String?) throws -> FHIRPathExpression {
        if let undefined = ConstantReferences.firstUndefined(in: path, constants: constants) {
            throw ViewDefinitionError(
                .undefinedConstant, at: location, "\"\(path)\" uses %\(undefined), which the view does not define")
        }
        if ConstantReferences.names(in: path).contains("rowIndex") { usesRowIndex = true }
        var options = FHIRPathCompileOptions()
        options.version = version
        options.rootType = focusType
        do {
            return try FHIRPathExpression(path, options: options)
        } catch {
            throw ViewDefinitionError(.invalidPath, at: location, "\"\(path)\": \(error)")
        }
    }

    mutating func compile(_ select: ViewSelect, at location: String, focusType: String?) throws -> CompiledSelect {
        func place(_ key: String) -> String { location.isEmpty ? key : "\(location).\(key)" }
        var iteration: CompiledIteration?
        var inner = focusType
        switch select.iteration {
        case .forEach(let path)?:
            let expression = try compile(path, at: place("forEach"), focusType: focusType)
            iteration = .forEach(expression)
            inner = Self.singleType(expression)
        case .forEachOrNull(let path)?:
            let expression = try compile(path, at: place("forEachOrNull"), focusType: focusType)
            iteration = .forEachOrNull(expression)
            inner = Self.singleType(expression)
        case .repeat(let paths)?:
            // Repeated paths are applied to their own results too, so they cannot be typed from the root.
            iteration = .repeat(
                try paths.enumerated().map { try compile($1, at: place("repeat[\($0)]"), focusType: nil) })
            inner = nil
        case nil:
            break
        }
        var columns: [CompiledColumn] = []
        for (index, column) in select.columns.enumerated() {
            guard let slot = slots[column.name] else {
                preconditionFailure("ViewTableLayout lists every column")
            }
            columns.append(
                CompiledColumn(
                    name: column.name, slot: slot, collection: column.collection,
                    expression: try compile(column.path, at: place("column[\(index)].path"), focusType: inner),
                    usesRowIndex: ConstantReferences.names(in: column.path).contains("rowIndex")))
        }
        let selects = try select.select.enumerated().map {
            try compile($1, at: location.isEmpty ? "select[\($0)]" : place("select[\($0)]"), focusType: inner)
        }
        let unionAll = try select.unionAll.enumerated().map {
            try compile($1, at: place("unionAll[\($0)]"), focusType: inner)
        }
        var allSlots = columns.map(\.slot)
        for nested in selects { allSlots += nested.allSlots }
        if let first = unionAll.first { allSlots += first.allSlots }
        return CompiledSelect(
            columns: columns, selects: selects, unionAll: unionAll, iteration: iteration, allSlots: allSlots)
    }

    /// The one type a `forEach` path gives (`name` → `HumanName`), nil when it may give several or is unknown.
    static func singleType(_ expression: FHIRPathExpression) -> String? {
        guard let types = expression.resultTypes, let first = types.first, types.allSatisfy({ $0 == first }) else {
            return nil
        }
        return first
    }
}
