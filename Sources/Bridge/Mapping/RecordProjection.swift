import FHIRModel

/// The fields of an endpoint's records a mapping reads, and nothing else: what the pull builds of each record.
///
/// A Shared Data record has thirty-odd fields and a mapping reads a few: a lab test's key, its value and unit. Held
/// as a tree, a record takes five to six times its JSON, and held in a spool it is parsed again by every stage; built
/// to the fields the mapping reads, both shrink to those fields. Every reader of a record is listed here: a link's
/// key and `where`, its compared fields (the `Preferred` and `Reported` forms and the unit field a transform reads
/// too), its merge actions, the emits of the endpoint (template and id), the lookup code maps filled from it, and the
/// endpoint's own query (a directory's answer is filtered by it). A stage that read another field would read nothing
/// there: the streamed-export and reconcile tests compare projected and whole records' results.
extension CompiledMapping {
    public func recordKeys(ofEndpoint endpoint: String) -> FHIRJSONKeyFilter {
        var keys: Set<String> = []
        func add(_ path: String) { keys.insert(RecordValues.topLevelField(of: path)) }
        for link in links where link.declaration.endpoint.value == endpoint {
            for part in link.keyParts { add(part.declaration.sharedData.value) }
            for condition in link.declaration.sharedDataWhere { add(condition.field.value) }
            keys.formUnion(MergeActions.recordKeys(of: link.mergeActions).keys)
            for field in link.fields {
                let transforms = field.declaration.sharedDataTransforms.map(\.value)
                // As `FieldValues.read` reads them.
                for path in [field.declaration.sharedData.value] + [FieldValues.unitField(of: transforms)].compactMap({ $0 }) {
                    add(path)
                    if transforms.contains(.preferredElseReported) {
                        add(path + "Preferred")
                        add(path + "Reported")
                    }
                }
            }
        }
        for emit in spec.emits.all where emit.endpoint.value == endpoint {
            keys.formUnion(EmitTemplate(declaration: emit, extensionBase: spec.extensionBase).recordKeys.keys)
        }
        for map in codeMaps.values {
            if case .lookup(let source, let from, let to) = map.declaration.source, source.value == endpoint {
                add(from.value)
                add(to.value)
            }
        }
        for query in endpoints[endpoint]?.declaration.query ?? [] { add(query.name.value) }
        return FHIRJSONKeyFilter(keys: keys)
    }
}
