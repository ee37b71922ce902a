/// Values read for one purpose (a field of a pair, a key part's texts), in order: nearly always one, which is held
/// inline, without an array.
///
/// Why: a reconcile reads and normalises a field of every linked pair on both sides, and a link reads each key
/// alternative of every resource; each step made an array for its one value (twelve allocations a comparison, as
/// many as building the study's trees).
public struct ValueList<Element>: RandomAccessCollection {
    fileprivate enum Storage {
        case none
        case one(Element)
        case many([Element])
    }

    private var storage: Storage = .none

    public init() {}

    public init<S: Sequence>(_ elements: S) where S.Element == Element {
        for element in elements { append(element) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .none: 0
        case .one: 1
        case .many(let elements): elements.count
        }
    }

    public subscript(position: Int) -> Element {
        get {
            switch storage {
            case .one(let element):
                precondition(position == 0, "ValueList index out of range")
                return element
            case .many(let elements): return elements[position]
            case .none: preconditionFailure("ValueList index out of range")
            }
        }
        set {
            switch storage {
            case .one:
                precondition(position == 0, "ValueList index out of range")
                storage = .one(newValue)
            case .many(var elements):
                // Moved out first, so that the array is changed in place rather than copied.
                storage = .none
                elements[position] = newValue
                storage = .many(elements)
            case .none: preconditionFailure("ValueList index out of range")
            }
        }
    }

    public mutating func append(_ element: Element) {
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
    func mapped<T>(_ transform: (Element) throws -> T) rethrows -> ValueList<T> {
        var result = ValueList<T>()
        for element in self { result.append(try transform(element)) }
        return result
    }

    /// The elements that pass `isIncluded`, in order.
    func kept(where isIncluded: (Element) throws -> Bool) rethrows -> ValueList<Element> {
        var result = ValueList<Element>()
        for element in self where try isIncluded(element) { result.append(element) }
        return result
    }
}

extension ValueList: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Element...) { self.init(elements) }
}

extension ValueList: Equatable where Element: Equatable {
    public static func == (a: ValueList, b: ValueList) -> Bool { a.elementsEqual(b) }
}

extension ValueList: Sendable where Element: Sendable {}
extension ValueList.Storage: Sendable where Element: Sendable {}
