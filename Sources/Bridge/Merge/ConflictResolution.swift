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
        let target: WritableElement
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
                let value = MergeActions.primitive(text, ofType: leaf.type, definitions: order.definitions),
                field.target.write(in: &object, order: order, { _ in value })
            else { return .notWritten }
            return .preferred
        case .keepBoth:
            let url = "\(extensionBase)/\(extensionName)"
            var holderAt = field.target
            if holderAt.leafIsPrimitive {
                // A primitive's extensions live in `_name`, an Element beside it.
                holderAt.steps[holderAt.steps.count - 1] = WritableElement.Step(jsonName: "_" + leaf.jsonName, type: "Element")
            }
            let holderType = holderAt.leafType
            var alreadyAdded = false
            let added = holderAt.write(in: &object, order: order) { existing in
                guard var holder = existing == nil ? FHIRObject() : existing?.objectValue else { return .none }
                var extensions = holder["extension"]?.arrayValue ?? []
                guard !extensions.contains(where: { $0["url"]?.stringValue == url }) else {
                    alreadyAdded = true
                    return .none
                }
                var item = FHIRObject()
                item.appendUnchecked(key: "url", value: .string(url))
                item.appendUnchecked(key: "valueString", value: .string(outcome.sharedData.raw.joined(separator: " | ")))
                extensions.append(.object(item))
                MergeActions.set(&holder, "extension", .array(extensions), type: holderType, order: order)
                return .object(holder)
            }
            return added ? .keptBoth : alreadyAdded ? nil : .notWritten
        }
    }
}
