import FHIRModel

/// What the merge does with a field both sides give and that differs, by its `onConflict` (docs/mappings.md,
/// "Fields"): `prefer-shared-data` writes the Shared Data value, as normalised (a code through its map, a number as
/// its literal text), in the element's JSON kind; `keep-both` keeps FHIR's and adds the Shared Data value as the
/// record has it in the extension `{extensionBase}/shared-data-value` on the element (under `_name` for a
/// primitive). Whether they differ is decided by the reconcile's own comparison, so a field the report calls
/// mismatched is exactly a field the merge resolves.
enum ConflictResolution {
    enum Outcome: Int, Sendable, CaseIterable {
        case preferred, keptBoth, notWritten
    }

    /// A field the merge resolves, prepared once per study.
    struct Field: Sendable {
        let prepared: ReconcileStage.PreparedField
        let target: ConflictTarget
        let policy: MappingConflictPolicy
    }

    static let extensionName = "shared-data-value"

    static func fields(of link: CompiledLink) -> [Field] {
        link.fields.compactMap { field in
            field.conflictTarget.map { Field(prepared: ReconcileStage.PreparedField(field), target: $0, policy: field.declaration.onConflict.value) }
        }
    }

    /// Nil when the field does not differ (or keep-both finds the value already added).
    static func apply(
        _ field: Field, record: FHIRElement, to resource: inout FHIRElement, codeMaps: [String: CompiledCodeMap],
        extensionBase: String, order: FHIRCanonicalOrder
    ) -> Outcome? {
        let outcome = ReconcileStage.compare(field.prepared, resource: resource, record: record, codeMaps: codeMaps)
        guard outcome.status == .mismatched, case .object(var object) = resource, let leaf = field.target.steps.last else { return nil }
        defer { resource = .object(object) }
        switch field.policy {
        case .keepFHIR:
            return nil
        case .preferSharedData:
            guard let text = outcome.sharedData.normalised.first,
                let value = MergeActions.primitive(text, ofType: leaf.type, definitions: order.definitions)
            else { return .notWritten }
            set(at: field.target.steps[...], in: &object, type: field.target.resourceType, order: order) { _ in value }
            return .preferred
        case .keepBoth:
            let url = "\(extensionBase)/\(extensionName)"
            var added = false
            var steps = field.target.steps[...]
            if field.target.leafIsPrimitive {
                // A primitive's extensions live in `_name`, an Element beside it.
                steps[steps.index(before: steps.endIndex)] = ConflictTarget.Step(jsonName: "_" + leaf.jsonName, type: "Element")
            }
            let holderType = steps.last?.type ?? field.target.resourceType
            set(at: steps, in: &object, type: field.target.resourceType, order: order) { existing in
                var holder = existing?.objectValue ?? FHIRObject()
                var extensions = holder["extension"]?.arrayValue ?? []
                guard !extensions.contains(where: { $0["url"]?.stringValue == url }) else { return existing ?? .object(holder) }
                var item = FHIRObject()
                item.appendUnchecked(key: "url", value: .string(url))
                item.appendUnchecked(key: "valueString", value: .string(outcome.sharedData.raw.joined(separator: " | ")))
                extensions.append(.object(item))
                MergeActions.set(&holder, "extension", .array(extensions), type: holderType, order: order)
                added = true
                return .object(holder)
            }
            return added ? .keptBoth : nil
        }
    }

    /// Sets the element at the end of `steps` to what `make` gives for its current value, creating the objects on
    /// the way, each new member at its place.
    static func set(
        at steps: ArraySlice<ConflictTarget.Step>, in object: inout FHIRObject, type: String, order: FHIRCanonicalOrder,
        _ make: (FHIRElement?) -> FHIRElement
    ) {
        guard let step = steps.first else { return }
        let value: FHIRElement
        if steps.count == 1 {
            value = make(object[step.jsonName])
        } else {
            var child = object[step.jsonName]?.objectValue ?? FHIRObject()
            set(at: steps.dropFirst(), in: &child, type: step.type, order: order, make)
            value = .object(child)
        }
        MergeActions.set(&object, step.jsonName, value, type: type, order: order)
    }
}
