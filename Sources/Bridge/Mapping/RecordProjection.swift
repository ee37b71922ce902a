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
    /// The endpoints a run that only links and compares reads (a reconcile): the links' own, and those the lookup
    /// code maps are filled from. The emits' endpoints (assay results, adverse events, files) are read by the merge
    /// alone, and in a study they are a third of the Shared Data bytes.
    public var endpointsReadByLinks: Set<String> {
        var names = Set(links.map(\.declaration.endpoint.value))
        for map in codeMaps.values {
            if case .lookup(let source, _, _) = map.declaration.source { names.insert(source.value) }
        }
        return names
    }

    public func recordKeys(ofEndpoint endpoint: String) -> FHIRJSONKeyFilter {
        var keys: Set<String> = []
        func add(_ path: String) { keys.insert(RecordValues.topLevelField(of: path)) }
        for link in links where link.declaration.endpoint.value == endpoint { keys.formUnion(link.recordKeys.keys) }
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

extension CompiledLink {
    /// The top-level fields of its records the link reads: its key and `where`, its compared fields (as
    /// `FieldReading` reads them, with a `ucum` transform's unit field), its merge actions. The merge builds a
    /// spooled record this far.
    public var recordKeys: FHIRJSONKeyFilter {
        var keys: Set<String> = []
        func add(_ path: String) { keys.insert(RecordValues.topLevelField(of: path)) }
        for part in keyParts { add(part.declaration.sharedData.value) }
        for condition in declaration.sharedDataWhere { add(condition.field.value) }
        for action in mergeActions { add(action.declaration.value.recordField.value) }
        for field in fields {
            let reading = FieldReading(field.declaration)
            for read in [reading.sharedDataField] + [reading.unitField].compactMap({ $0 }) {
                for path in read.paths { add(path) }
            }
        }
        return FHIRJSONKeyFilter(keys: keys)
    }
}
