/// Where a walk of an element tree is, kept as steps and spelt out FHIRPath-like (`Patient.name[0].given`) only when
/// asked: for walks that name a place only when something is wrong there (the validator, the R5 -> R4 converter),
/// where building every member's and item's path as text took a fifth of their time. A `.text` step is a place
/// given whole (a location to start from, a resource's type); the text starts again at the last one.
public struct ElementPath: Sendable {
    public enum Step: Sendable {
        case text(String)
        case member(String)
        case item(Int)
    }

    private var steps: [Step] = []

    public init() {}

    public var isEmpty: Bool { steps.isEmpty }

    public mutating func append(_ step: Step) { steps.append(step) }

    public mutating func removeLast() { steps.removeLast() }

    /// The place as text, from the last `.text` step; nil when there are no steps.
    public var text: String? {
        guard !steps.isEmpty else { return nil }
        let start = steps.lastIndex { if case .text = $0 { return true } else { return false } } ?? 0
        var text = ""
        for step in steps[start...] {
            switch step {
            case .text(let part): text = part
            case .member(let key): text += "." + key
            case .item(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
