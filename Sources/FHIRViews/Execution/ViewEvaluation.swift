import FHIRModel
import FHIRPath

/// The rows of one view over one resource: the IG's `Process(S, N)`, emitting each row as soon as it is complete.
///
/// Sibling selects, nested selects and the union are combined as a cartesian product by continuation: each part
/// fills its columns in the shared row buffer and calls the next part, the last one emits. No partial row lists
/// are built.
final class ViewEvaluation {
    let view: CompiledView
    let resource: FHIRElement
    /// `%resource`, the constants and the FHIRPath environment, shared by every path evaluated on this resource.
    let scope: FHIRPathEvaluationScope

    init(view: CompiledView, resource: FHIRElement) {
        self.view = view
        self.resource = resource
        scope = FHIRPathEvaluationScope(resource: resource, variables: view.constants)
    }

    func evaluate(
        _ expression: FHIRPathExpression, focus: FHIRPathItem, rowIndex: Int, element: @autoclosure () -> String
    ) throws -> [FHIRPathItem] {
        try evaluate(expression, context: [focus], rowIndex: rowIndex, element: element())
    }

    /// `rowIndex` is `%rowIndex`, set only when a path of the view reads it.
    func evaluate(
        _ expression: FHIRPathExpression, context: [FHIRPathItem], rowIndex: Int, element: @autoclosure () -> String
    ) throws -> [FHIRPathItem] {
        if view.usesRowIndex { scope.variables["rowIndex"] = [.integer(rowIndex)] }
        do {
            return try expression.evaluate(context: context, in: scope)
        } catch {
            throw failure(element(), "\"\(expression.source)\": \(error)")
        }
    }

    func failure(_ element: String, _ message: String) -> ViewRuntimeError {
        let type = resource.resourceType ?? "resource"
        let name = resource["id"]?.stringValue.map { "\(type)/\($0)" } ?? type
        return ViewRuntimeError(view: view.table.name, resource: name, element: element, message: message)
    }

    func passes(_ filter: CompiledFilter, focus: FHIRPathItem) throws -> Bool {
        let items = try evaluate(filter.expression, focus: focus, rowIndex: 0, element: filter.location)
        guard let first = items.first else { return false }
        guard items.count == 1, case .boolean(let flag) = first.jsonValue else {
            throw failure(
                filter.location,
                "\"\(filter.expression.source)\" must give a single boolean, gave \(describe(items))")
        }
        return flag
    }

    func emit(
        _ select: CompiledSelect, focus: FHIRPathItem, rowIndex: Int, row: inout [FHIRElement],
        _ next: (inout [FHIRElement]) throws -> Void
    ) throws {
        switch select.iteration {
        case nil:
            try emitFocus(select, focus: focus, rowIndex: rowIndex, row: &row, next)
        case .forEach(let expression):
            let foci = try evaluate(expression, focus: focus, rowIndex: rowIndex, element: "forEach \"\(expression.source)\"")
            for (index, item) in foci.enumerated() {
                try emitFocus(select, focus: item, rowIndex: index, row: &row, next)
            }
        case .forEachOrNull(let expression):
            let foci = try evaluate(
                expression, focus: focus, rowIndex: rowIndex, element: "forEachOrNull \"\(expression.source)\"")
            if foci.isEmpty {
                for slot in select.allSlots { row[slot] = .null }
                // The IG: "for empty collections, %rowIndex returns 0 for the null row". Such columns are
                // evaluated on an empty focus; every other column stays null.
                for column in select.columns where column.usesRowIndex {
                    row[column.slot] = try cellValue(column) { take in
                        try evaluate(column.expression, context: [], rowIndex: 0, element: "column \"\(column.name)\"")
                            .forEach(take)
                    }
                }
                try next(&row)
            }
            for (index, item) in foci.enumerated() {
                try emitFocus(select, focus: item, rowIndex: index, row: &row, next)
            }
        case .repeat(let expressions):
            var foci: [FHIRPathItem] = []
            try collectRepeat(expressions, from: focus, rowIndex: rowIndex, into: &foci, depth: 0)
            for (index, item) in foci.enumerated() {
                try emitFocus(select, focus: item, rowIndex: index, row: &row, next)
            }
        }
    }

    /// Depth first, each node before its descendants: the order `%rowIndex` counts in.
    func collectRepeat(
        _ expressions: [FHIRPathExpression], from node: FHIRPathItem, rowIndex: Int, into foci: inout [FHIRPathItem],
        depth: Int
    ) throws {
        guard depth < 512 else { throw failure("repeat", "nesting deeper than 512 levels") }
        for expression in expressions {
            for child in try evaluate(expression, focus: node, rowIndex: rowIndex, element: "repeat \"\(expression.source)\"") {
                foci.append(child)
                try collectRepeat(expressions, from: child, rowIndex: rowIndex, into: &foci, depth: depth + 1)
            }
        }
    }

    func emitFocus(
        _ select: CompiledSelect, focus: FHIRPathItem, rowIndex: Int, row: inout [FHIRElement],
        _ next: (inout [FHIRElement]) throws -> Void
    ) throws {
        for column in select.columns {
            row[column.slot] = try cell(column, focus: focus, rowIndex: rowIndex)
        }
        try emitParts(select, from: 0, focus: focus, rowIndex: rowIndex, row: &row, next)
    }

    /// A column's cell on `focus`, taken from the path's items as they are produced (no result collection).
    func cell(_ column: CompiledColumn, focus: FHIRPathItem, rowIndex: Int) throws -> FHIRElement {
        if view.usesRowIndex { scope.variables["rowIndex"] = [.integer(rowIndex)] }
        return try cellValue(column) { take in
            do {
                try column.expression.forEachItem(on: focus, in: scope, take)
            } catch {
                throw failure("column \"\(column.name)\"", "\"\(column.expression.source)\": \(error)")
            }
        }
    }

    /// A column's cell from the items `produce` hands to `take`, as they come: an array for a collection, else
    /// null, the single value, or an error for several values.
    func cellValue(
        _ column: CompiledColumn, _ produce: (_ take: (FHIRPathItem) -> Void) throws -> Void
    ) throws -> FHIRElement {
        var first: FHIRElement? = nil
        var count = 0
        var all: [FHIRElement] = []
        try produce { item in
            if column.collection {
                all.append(item.jsonValue)
            } else {
                if count == 0 { first = item.jsonValue }
                count += 1
            }
        }
        if column.collection { return .array(all) }
        if count > 1 {
            throw failure(
                "column \"\(column.name)\"",
                "\"\(column.expression.source)\" gave \(count) values but the column is not a collection "
                    + "(set \"collection\": true to keep them all)")
        }
        return first ?? .null
    }

    func emitParts(
        _ select: CompiledSelect, from part: Int, focus: FHIRPathItem, rowIndex: Int, row: inout [FHIRElement],
        _ next: (inout [FHIRElement]) throws -> Void
    ) throws {
        if part < select.selects.count {
            try emit(select.selects[part], focus: focus, rowIndex: rowIndex, row: &row) { row in
                try emitParts(select, from: part + 1, focus: focus, rowIndex: rowIndex, row: &row, next)
            }
        } else if !select.unionAll.isEmpty {
            for branch in select.unionAll {
                try emit(branch, focus: focus, rowIndex: rowIndex, row: &row, next)
            }
        } else {
            try next(&row)
        }
    }

    func describe(_ items: [FHIRPathItem]) -> String {
        if items.count > 1 { return "\(items.count) items" }
        return items.first.map { "a \($0.typeName)" } ?? "nothing"
    }
}
