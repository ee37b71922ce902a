import Synchronization

/// A value one thread sets once it is known, which others read meanwhile (nil until then): what a read started
/// beside the mapping's compilation learns from it for the jobs it starts after.
public final class LateValue<Value: Sendable>: Sendable {
    private let slot = Mutex<Value?>(nil)

    public init() {}

    public func set(_ value: Value) { slot.withLock { $0 = value } }

    public var value: Value? { slot.withLock { $0 } }
}
