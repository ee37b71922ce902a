/// Named entries (links, fields, code maps, endpoints, emits) in the order first declared. A later file's entry of
/// the same name replaces the earlier one in place, so a site's override keeps the default's order and outputs do
/// not move around when a site changes one link.
public struct NamedDeclarations<Declaration: Sendable>: Sendable {
    public private(set) var names: [String] = []
    private var values: [String: Declaration] = [:]

    public init() {}

    public subscript(name: String) -> Declaration? { values[name] }

    public var all: [Declaration] { names.compactMap { values[$0] } }

    public var isEmpty: Bool { values.isEmpty }

    mutating func set(_ name: String, _ declaration: Declaration) {
        if values.updateValue(declaration, forKey: name) == nil { names.append(name) }
    }

    mutating func remove(_ name: String) {
        guard values.removeValue(forKey: name) != nil else { return }
        names.removeAll { $0 == name }
    }
}
