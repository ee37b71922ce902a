import FHIRModel

/// Member access on tree nodes: `name`, choice elements (`value` finds `valueQuantity`), primitive extensions
/// (`_name`), `children()` and `descendants()`.
enum FHIRPathNavigation {
    /// Appends the items of one JSON member (a value or an array) with their primitive extensions.
    @inline(__always)
    static func appendMember(
        _ value: FHIRElement?, extensionValue: FHIRElement?, type: String?, into out: inout [FHIRPathItem]
    ) {
        switch value {
        case .array(let values)?:
            let extensions = extensionValue?.arrayValue
            for (i, v) in values.enumerated() {
                let x: FHIRElement? = extensions.flatMap { i < $0.count && !$0[i].isNull ? $0[i] : nil }
                if v.isNull && x == nil { continue }
                out.append(FHIRPathItem(.node(v, type: v.resourceType ?? type, primitiveExtension: x)))
            }
        case .null?, nil:
            guard let extensionValue else { return }
            if case .array(let extensions) = extensionValue {
                for x in extensions where !x.isNull {
                    out.append(FHIRPathItem(.node(.null, type: type, primitiveExtension: x)))
                }
            } else {
                out.append(FHIRPathItem(.node(.null, type: type, primitiveExtension: extensionValue)))
            }
        case let v?:
            out.append(FHIRPathItem(.node(v, type: v.resourceType ?? type, primitiveExtension: extensionValue)))
        }
    }

    /// True when a member's value may be a primitive (so that its `_name` sibling is worth looking up).
    @inline(__always)
    static func mayBePrimitive(_ value: FHIRElement?) -> Bool {
        switch value {
        case .object?: return false
        case .array(let a)?:
            if let first = a.first, case .object = first { return false }
            return true
        default: return true
        }
    }

    /// `item.name` into `out`.
    @inline(__always)
    static func navigate(
        _ item: FHIRPathItem, name: String, member resolved: FHIRPathMember?, model: any FHIRPathTypeModel,
        into out: inout [FHIRPathItem]
    ) {
        guard case .node(let element, let type, _) = item.value, case .object(let object) = element else { return }
        let member = resolved ?? type.flatMap { model.member(name, of: $0) }
        if let member {
            switch member.storage {
            case .plain(let jsonName, let childType):
                let value = object[jsonName]
                let x = FHIRPathBuiltinTypes.primitiveTypes.contains(childType) ? object["_" + jsonName] : nil
                appendMember(value, extensionValue: x, type: childType, into: &out)
            case .choice(_, let candidates):
                for m in object {
                    for c in candidates where c.jsonName == m.key {
                        let x = FHIRPathBuiltinTypes.primitiveTypes.contains(c.type) ? object["_" + m.key] : nil
                        appendMember(m.value, extensionValue: x, type: c.type, into: &out)
                    }
                }
                for m in object where m.key.hasPrefix("_") {
                    let key = m.key.dropFirst()
                    if object[String(key)] == nil, let c = candidates.first(where: { $0.jsonName == key }) {
                        appendMember(nil, extensionValue: m.value, type: c.type, into: &out)
                    }
                }
            }
            return
        }
        if let type, model.knowsType(type) { return }
        navigateUntyped(object, name: name, into: &out)
    }

    static func navigateUntyped(_ object: FHIRObject, name: String, into out: inout [FHIRPathItem]) {
        if let value = object[name] {
            let x = mayBePrimitive(value) ? object["_" + name] : nil
            appendMember(value, extensionValue: x, type: nil, into: &out)
            return
        }
        // A choice element: `value` finds `valueQuantity`, typed by its suffix.
        var found = false
        for m in object where m.key.utf8.count > name.utf8.count && m.key.hasPrefix(name) {
            let suffix = String(m.key.dropFirst(name.count))
            if let type = FHIRPathBuiltinTypes.typeForChoiceSuffix[suffix] {
                let x = mayBePrimitive(m.value) ? object["_" + m.key] : nil
                appendMember(m.value, extensionValue: x, type: type, into: &out)
                found = true
            }
        }
        if found { return }
        if let x = object["_" + name] {
            appendMember(nil, extensionValue: x, type: nil, into: &out)
            return
        }
        for m in object where m.key.hasPrefix("_" + name) {
            let suffix = String(m.key.dropFirst(name.count + 1))
            if let type = FHIRPathBuiltinTypes.typeForChoiceSuffix[suffix] {
                appendMember(nil, extensionValue: m.value, type: type, into: &out)
            }
        }
    }

    /// All child nodes of `item` in document order.
    static func children(of item: FHIRPathItem, model: any FHIRPathTypeModel, into out: inout [FHIRPathItem]) {
        guard case .node(let element, let type, _) = item.value, case .object(let object) = element else { return }
        for m in object {
            if m.key == "resourceType" { continue }
            if m.key.hasPrefix("_") {
                let key = String(m.key.dropFirst())
                if object[key] == nil {
                    let childType = type.flatMap { model.typeOfJSONMember(key, of: $0) } ?? choiceType(key)
                    appendMember(nil, extensionValue: m.value, type: childType, into: &out)
                }
                continue
            }
            let childType = type.flatMap { model.typeOfJSONMember(m.key, of: $0) } ?? choiceType(m.key)
            let x = mayBePrimitive(m.value) ? object["_" + m.key] : nil
            appendMember(m.value, extensionValue: x, type: childType, into: &out)
        }
    }

    /// The type a key's choice suffix names, when it has one (`valueString` -> `string`).
    static func choiceType(_ key: String) -> String? {
        guard let i = key.firstIndex(where: \.isUppercase) else { return nil }
        return FHIRPathBuiltinTypes.typeForChoiceSuffix[String(key[i...])]
    }

    static func descendants(of item: FHIRPathItem, model: any FHIRPathTypeModel, into out: inout [FHIRPathItem]) {
        var level: [FHIRPathItem] = []
        children(of: item, model: model, into: &level)
        for child in level {
            out.append(child)
            descendants(of: child, model: model, into: &out)
        }
    }
}
