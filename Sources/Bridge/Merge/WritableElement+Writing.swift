import FHIRModel

/// The merge's one writer of an element at its path: `onConflict` (the Shared Data value, or the extension beside
/// FHIR's) and `fill` write through it.
extension WritableElement {
    /// Sets the element to what `make` gives for its current value (nil: leaves it), creating the objects on the way,
    /// each new member at its place. A member on the way that is there but not an object (a resource the definitions
    /// would refuse) is left as it is and nothing is written (`make` is then never called: callers count that as
    /// not written, never silently). True when the resource changed.
    func write(in object: inout FHIRObject, order: FHIRCanonicalOrder, _ make: (FHIRElement?) -> FHIRElement?) -> Bool {
        Self.write(steps[...], in: &object, type: resourceType, order: order, make)
    }

    private static func write(
        _ steps: ArraySlice<Step>, in object: inout FHIRObject, type: String, order: FHIRCanonicalOrder,
        _ make: (FHIRElement?) -> FHIRElement?
    ) -> Bool {
        guard let step = steps.first else { return false }
        let existing = object[step.jsonName]
        let value: FHIRElement
        if steps.count == 1 {
            guard let made = make(existing) else { return false }
            value = made
        } else {
            var child: FHIRObject
            switch existing {
            case nil: child = FHIRObject()
            case .object(let object)?: child = object
            default: return false
            }
            guard write(steps.dropFirst(), in: &child, type: step.type, order: order, make) else { return false }
            value = .object(child)
        }
        MergeActions.set(&object, step.jsonName, value, type: type, order: order)
        return true
    }
}
