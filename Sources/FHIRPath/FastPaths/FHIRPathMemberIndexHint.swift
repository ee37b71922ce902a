import FHIRModel
import Synchronization

/// Where a compiled member step last found its member (`FHIRObject.value(forKey:guessing:)`).
///
/// The resources one expression walks mostly share their shape, so the member is usually where it was: looking
/// there first skips scanning the members before it, which for a member near the end of a resource (an
/// Observation's `valueQuantity`) is most of the work and most of the cache lines the lookup reads. A wrong guess
/// costs the scan it saves. Shared by the threads that evaluate the expression: a relaxed atomic, since any value
/// is a valid guess.
final class FHIRPathMemberIndexHint: Sendable {
    private let index = Atomic<Int>(0)

    @inline(__always)
    func value(of key: String, in object: FHIRObject) -> FHIRElement? {
        let guess = index.load(ordering: .relaxed)
        guard let (value, found) = object.value(forKey: key, guessing: guess) else { return nil }
        if found != guess { index.store(found, ordering: .relaxed) }
        return value
    }
}
