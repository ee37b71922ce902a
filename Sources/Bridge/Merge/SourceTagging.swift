import FHIRModel

/// Each merged or emitted resource says where it came from: `meta.source` is the source's URL and `meta.tag` gains
/// the bridge's source tag (`fhir`, `merged`, `shared-data`). A pulled resource read from a spool keeps its `meta`
/// as text when nothing else reads it (`taggedMeta`): the same bytes as tagging the tree and writing it.
extension MergeStage {
    /// The source tags, built once per run and shared by every resource (a tree's parts are copied on write).
    struct SourceTags: Sendable {
        let fhir = SourceTags.tag("fhir")
        let merged = SourceTags.tag("merged")
        let sharedData = SourceTags.tag("shared-data")

        static func tag(_ code: String) -> FHIRElement {
            var tag = FHIRObject()
            tag.appendUnchecked(key: "system", value: .string(sourceTagSystem))
            tag.appendUnchecked(key: "code", value: .string(code))
            return .object(tag)
        }
    }

    /// Consuming, and taking the parts it changes out before changing them: a resource read from a spool is the
    /// only holder of its tree, so its top level and meta are changed in place rather than copied.
    static func tagged(_ resource: consuming FHIRElement, source: FHIRElement, tag: FHIRElement) -> FHIRElement {
        var element = resource
        guard case .object(var object) = element else { return element }
        element = .null
        let metaIndex = object.index(forKey: "meta")
        var meta = metaIndex.flatMap { object[$0].value.objectValue } ?? FHIRObject()
        if let metaIndex { object.replaceValue(at: metaIndex, with: .null) }
        if let index = meta.index(forKey: "source") {
            meta.replaceValue(at: index, with: source)
        } else {
            // Meta's order: ... versionId, lastUpdated, source, profile, security, tag.
            let at = meta.firstIndex { $0.key == "profile" || $0.key == "security" || $0.key == "tag" } ?? meta.count
            meta.insertUnchecked(key: "source", value: source, at: at)
        }
        if let index = meta.index(forKey: "tag") {
            var tags = meta[index].value.arrayValue ?? []
            // Taken out first, so that the array has one holder and grows in place (held twice, it was copied
            // with a retain of every tag, for every resource of a study).
            meta.replaceValue(at: index, with: .null)
            tags.append(tag)
            meta.replaceValue(at: index, with: .array(tags))
        } else {
            meta.appendUnchecked(key: "tag", value: .array([tag]))
        }
        if let metaIndex {
            object.replaceValue(at: metaIndex, with: .object(meta))
        } else {
            // meta goes after id, where FHIR's definition order puts it.
            let at = object.index(forKey: "id").map { $0 + 1 } ?? object.count
            object.insertUnchecked(key: "meta", value: .object(meta), at: at)
        }
        return .object(object)
    }

    /// The text of `tagged(resource, source:, tag:)["meta"]` made from the text of the resource's `meta`, as
    /// `FHIRJSONWriter` writes it (`writesBack`), given `source` and `tag` as written: the members copied as they are,
    /// `source` replaced or put before `profile`, `security` and `tag`, the tag added to the end of `tag`. Nil when
    /// the text is not an object whose members `JSONTopLevelMembers` finds (a key with escapes): the tree is built.
    static func taggedMeta(_ meta: UnsafeRawBufferPointer, source: [UInt8], tag: [UInt8]) -> [UInt8]? {
        guard meta.first == UInt8(ascii: "{"), let members = JSONTopLevelMembers.scan(meta) else { return nil }
        return taggedMeta(meta, members: members, source: source, tag: tag)
    }

    /// `taggedMeta` of a `meta` whose members were found already.
    static func taggedMeta(_ meta: UnsafeRawBufferPointer, members: [JSONTopLevelMembers.Member], source: [UInt8], tag: [UInt8]) -> [UInt8] {
        func index(_ name: StaticString) -> Int? { JSONTopLevelMembers.index(named: name, among: members, in: meta) }
        let sourceIndex = index("source")
        let tagIndex = index("tag")
        // Meta's order: ... versionId, lastUpdated, source, profile, security, tag.
        let sourceAt = sourceIndex ?? [index("profile"), index("security"), tagIndex].compactMap { $0 }.min() ?? members.count
        var out: [UInt8] = []
        out.reserveCapacity(meta.count + source.count + tag.count + 24)
        out.append(UInt8(ascii: "{"))
        func key(_ name: StaticString) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: "\":".utf8)
        }
        for (index, member) in members.enumerated() {
            if index == sourceAt {
                key("source")
                out.append(contentsOf: source)
                if index == sourceIndex { continue }
            }
            if index == tagIndex {
                key("tag")
                let tags = UnsafeRawBufferPointer(rebasing: meta[member.value])
                // A `tag` that is not an array is replaced, as the tree's is (`arrayValue ?? []`).
                if tags.count > 2, tags.first == UInt8(ascii: "[") {
                    out.append(contentsOf: tags.dropLast())
                    out.append(UInt8(ascii: ","))
                } else {
                    out.append(UInt8(ascii: "["))
                }
                out.append(contentsOf: tag)
                out.append(UInt8(ascii: "]"))
                continue
            }
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: meta[member.key]))
            out.append(contentsOf: "\":".utf8)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: meta[member.value]))
        }
        if sourceAt == members.count {
            key("source")
            out.append(contentsOf: source)
        }
        if tagIndex == nil {
            key("tag")
            out.append(UInt8(ascii: "["))
            out.append(contentsOf: tag)
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
