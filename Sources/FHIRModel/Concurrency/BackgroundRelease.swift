import Dispatch

/// Frees large values on a background thread. A study's trees are millions of small allocations, and freeing them
/// took a tenth of a reconcile's time after its report was written; handed here, the freeing overlaps the next
/// study, or is skipped when the process exits first (the operating system takes the memory back at once). One
/// serial queue, so at most one study's worth of freeing runs beside the work.
public enum BackgroundRelease {
    static let queue = DispatchQueue(label: "immport-bridge.background-release", qos: .utility)

    /// Takes `value` (the caller must hold no other reference for the freeing to happen here) and drops it later.
    public static func release<Value: Sendable>(_ value: consuming Value) {
        let box = Box(value)
        queue.async { box.value = nil }
    }

    private final class Box<Held: Sendable>: @unchecked Sendable {
        // Only touched by the queue after `release` hands the box over.
        var value: Held?
        init(_ value: consuming Held) { self.value = value }
    }
}
