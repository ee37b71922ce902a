/// A field's values on one side, in order: nearly always one, which is held inline, without an array.
///
/// Why: a reconcile reads and normalises a field of every linked pair on both sides, and each step made an array
/// for its one value: twelve allocations a comparison, as many as building the study's trees.
struct FieldList<Element>: RandomAccessCollection {
    fileprivate enum Storage {
        case none
        case one(Element)
        case many([Element])
    }

    private var storage: Storage = .none

    init() {}

    init<S: Sequence>(_ elements: S) where S.Element == Element {
        for element in elements { append(element) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int {
        switch storage {
        case .none: 0
        case .one: 1
        case .many(let elements): elements.count
        }
    }

    subscript(position: Int) -> Element {
        get {
            switch storage {
            case .one(let element):
                precondition(position == 0, "FieldList index out of range")
                return element
            case .many(let elements): return elements[position]
            case .none: preconditionFailure("FieldList index out of range")
            }
        }
        set {
            switch storage {
            case .one:
                precondition(position == 0, "FieldList index out of range")
                storage = .one(newValue)
            case .many(var elements):
                // Moved out first, so that the array is changed in place rather than copied.
                storage = .none
                elements[position] = newValue
                storage = .many(elements)
            case .none: preconditionFailure("FieldList index out of range")
            }
        }
    }

    mutating func append(_ element: Element) {
        switch storage {
        case .none: storage = .one(element)
        case .one(let first): storage = .many([first, element])
        case .many(var elements):
            storage = .none
            elements.append(element)
            storage = .many(elements)
        }
    }

    /// Each element transformed, in a list of the same shape (one stays inline).
    func mapped<T>(_ transform: (Element) throws -> T) rethrows -> FieldList<T> {
        var result = FieldList<T>()
        for element in self { result.append(try transform(element)) }
        return result
    }

    /// The elements that pass `isIncluded`, in order.
    func kept(where isIncluded: (Element) throws -> Bool) rethrows -> FieldList<Element> {
        var result = FieldList<Element>()
        for element in self where try isIncluded(element) { result.append(element) }
        return result
    }
}

extension FieldList: ExpressibleByArrayLiteral {
    init(arrayLiteral elements: Element...) { self.init(elements) }
}

extension FieldList: Equatable where Element: Equatable {
    static func == (a: FieldList, b: FieldList) -> Bool { a.elementsEqual(b) }
}

extension FieldList: Sendable where Element: Sendable {}
extension FieldList.Storage: Sendable where Element: Sendable {}
