/// The parsed form of an expression, before anything is resolved.
indirect enum FHIRPathSyntaxTree: Sendable {
    enum Literal: Sendable, Equatable {
        case empty
        case boolean(Bool)
        case string(String)
        case integer(String)
        case long(String)
        case decimal(String)
        /// Text after `@` (date or date-time).
        case dateTime(String)
        /// Text after `@T`.
        case time(String)
        case quantity(value: String, unit: String)
    }

    case literal(Literal, FHIRPathSourceRange)
    /// An identifier at the start of a path: a member of the focus or a type name (`Patient.name`).
    case identifier(String, FHIRPathSourceRange)
    case externalConstant(String, FHIRPathSourceRange)
    case special(String, FHIRPathSourceRange)
    /// `base.name`
    case member(base: FHIRPathSyntaxTree, name: String, FHIRPathSourceRange)
    /// `base.name(args)`, or `name(args)` on the focus when `base` is nil.
    case function(base: FHIRPathSyntaxTree?, name: String, arguments: [FHIRPathSyntaxTree], FHIRPathSourceRange)
    case indexer(base: FHIRPathSyntaxTree, index: FHIRPathSyntaxTree, FHIRPathSourceRange)
    case unary(op: String, operand: FHIRPathSyntaxTree, FHIRPathSourceRange)
    case binary(op: String, lhs: FHIRPathSyntaxTree, rhs: FHIRPathSyntaxTree, FHIRPathSourceRange)
    /// `operand is Type` / `operand as Type`
    case typeOperator(op: String, operand: FHIRPathSyntaxTree, type: FHIRPathTypeSpecifier, FHIRPathSourceRange)

    /// The number of nodes on the longest path from the root to a leaf, counted without recursion (the tree may be
    /// too deep for that: this is what refuses it).
    var depth: Int {
        var deepest = 0
        var stack: [(FHIRPathSyntaxTree, Int)] = [(self, 1)]
        while let (node, level) = stack.popLast() {
            deepest = max(deepest, level)
            switch node {
            case .literal, .identifier, .externalConstant, .special: break
            case .member(let base, _, _): stack.append((base, level + 1))
            case .function(let base, _, let arguments, _):
                if let base { stack.append((base, level + 1)) }
                for argument in arguments { stack.append((argument, level + 1)) }
            case .indexer(let base, let index, _): stack.append((base, level + 1)); stack.append((index, level + 1))
            case .unary(_, let operand, _), .typeOperator(_, let operand, _, _): stack.append((operand, level + 1))
            case .binary(_, let lhs, let rhs, _): stack.append((lhs, level + 1)); stack.append((rhs, level + 1))
            }
        }
        return deepest
    }

    /// True when the expression reads `$this`, `$index` or `$total`, or calls a function (whose arguments may be
    /// evaluated on `$this`): only such a criterion needs them set for each item it tests.
    var readsIterationState: Bool {
        switch self {
        case .special, .function: return true
        case .literal, .identifier, .externalConstant: return false
        case .member(let base, _, _): return base.readsIterationState
        case .indexer(let base, let index, _): return base.readsIterationState || index.readsIterationState
        case .unary(_, let operand, _), .typeOperator(_, let operand, _, _): return operand.readsIterationState
        case .binary(_, let lhs, let rhs, _): return lhs.readsIterationState || rhs.readsIterationState
        }
    }

    /// True when `$name` (`$index`, `$this`) occurs anywhere in the expression.
    func mentions(special name: String) -> Bool {
        switch self {
        case .special(let n, _): return n == name
        case .literal, .identifier, .externalConstant: return false
        case .member(let base, _, _): return base.mentions(special: name)
        case .function(let base, _, let arguments, _):
            return base?.mentions(special: name) == true || arguments.contains { $0.mentions(special: name) }
        case .indexer(let base, let index, _): return base.mentions(special: name) || index.mentions(special: name)
        case .unary(_, let operand, _), .typeOperator(_, let operand, _, _): return operand.mentions(special: name)
        case .binary(_, let lhs, let rhs, _): return lhs.mentions(special: name) || rhs.mentions(special: name)
        }
    }

    var range: FHIRPathSourceRange {
        switch self {
        case .literal(_, let r), .identifier(_, let r), .externalConstant(_, let r), .special(_, let r),
            .member(_, _, let r), .function(_, _, _, let r), .indexer(_, _, let r), .unary(_, _, let r),
            .binary(_, _, _, let r), .typeOperator(_, _, _, let r):
            return r
        }
    }
}

/// A type name as written: `Quantity`, `FHIR.Quantity`, `System.String`.
struct FHIRPathTypeSpecifier: Sendable, Equatable {
    var namespace: String?
    var name: String
    var range: FHIRPathSourceRange

    var text: String { namespace.map { "\($0).\(name)" } ?? name }
}
