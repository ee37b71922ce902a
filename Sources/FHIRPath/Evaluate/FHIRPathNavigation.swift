import FHIRModel

/// Member access on tree nodes: `name`, choice elements (`value` finds `valueQuantity`), primitive extensions
/// (`_name`), `children()` and `descendants()`.
enum FHIRPathNavigation {
    /// The item for one value of a member. `resolvesResourceType`: the member may hold resources (or its type
    /// is unknown), so an object's own `resourceType` names its type; for every other member that lookup would
    /// only cost a scan of the object's keys.
    @inline(__always)
    static func item(_ v: FHIRElement, type: String?, extension x: FHIRElement?, resolvesResourceType: Bool)
        -> FHIRPathItem
    {
        FHIRPathItem(.node(v, type: resolvesResourceType ? (v.resourceType ?? type) : type, primitiveExtension: x))
    }

    /// Calls `body` with the items of one JSON member (a value or an array) with their primitive extensions.
    @inline(__always)
    static func forEachItem(
        _ value: FHIRElement?, extensionValue: FHIRElement?, type: String?, resolvesResourceType: Bool,
        _ body: (FHIRPathItem) throws -> Void
    ) rethrows {
        try forEachNode(value, extensionValue: extensionValue) { node, primitiveExtension in
            try body(item(node, type: type, extension: primitiveExtension, resolvesResourceType: resolvesResourceType))
        }
    }

    /// Calls `body` with the nodes of one JSON member (a value or an array) and their primitive extensions: the
    /// values that are not null, and a null node for an extension without a value (`"_given": [null, {...}]`).
    @inline(__always)
    static func forEachNode(
        _ value: FHIRElement?, extensionValue: FHIRElement?, _ body: (FHIRElement, FHIRElement?) throws -> Void
    ) rethrows {
        switch value {
        case .array(let values)?:
            if case .array(let extensions)? = extensionValue {
                for (i, v) in values.enumerated() {
                    let x: FHIRElement? = i < extensions.count && !extensions[i].isNull ? extensions[i] : nil
                    if v.isNull && x == nil { continue }
                    try body(v, x)
                }
            } else {
                // In place: iterating the array would copy (retain and release) every value.
                try values.withUnsafeBufferPointer { buffer in
                    for i in buffer.indices where !buffer[i].isNull { try body(buffer[i], nil) }
                }
            }
        case .null?, nil:
            guard let extensionValue else { return }
            if case .array(let extensions) = extensionValue {
                for x in extensions where !x.isNull { try body(.null, x) }
            } else {
                try body(.null, extensionValue)
            }
        case let v?:
            try body(v, extensionValue)
        }
    }

    /// Calls `body` with the nodes of one choice candidate (`valueQuantity`) in `object`: its values, with their
    /// `_name` when primitive, or else the extension of a primitive that has no value.
    @inline(__always)
    static func forEachNode(
        of candidate: FHIRPathMember.Slot, in object: FHIRObject, hint: FHIRPathMemberIndexHint? = nil,
        _ body: (FHIRElement, FHIRElement?) throws -> Void
    ) rethrows {
        let (value, x) = object.mayHaveUnderscoreKeys
            ? lookup(candidate.jsonName, candidate.underscoredName, in: object)
            : (hint.map { $0.value(of: candidate.jsonName, in: object) } ?? object[candidate.jsonName], nil)
        if let value {
            try forEachNode(value, extensionValue: candidate.extensionName == nil ? nil : x, body)
        } else if let x {
            try forEachNode(nil, extensionValue: x, body)
        }
    }

    /// Appends the items of one JSON member (a value or an array) with their primitive extensions.
    @inline(__always)
    static func appendMember(
        _ value: FHIRElement?, extensionValue: FHIRElement?, type: String?, into out: inout [FHIRPathItem]
    ) {
        let resolves = type == nil || type == "Resource" || type == "DomainResource"
        forEachItem(value, extensionValue: extensionValue, type: type, resolvesResourceType: resolves) {
            out.append($0)
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

    /// The value of a slot's key and of its `_key` sibling, in one pass over the object's members.
    @inline(__always)
    static func lookup(_ slot: FHIRPathMember.Slot, in object: FHIRObject) -> (FHIRElement?, FHIRElement?) {
        guard let extensionName = slot.extensionName, object.mayHaveUnderscoreKeys else {
            return (object[slot.jsonName], nil)
        }
        return lookup(slot.jsonName, extensionName, in: object)
    }

    /// `lookup(slot, in:)` remembering, in `hint`, where the member was found.
    @inline(__always)
    static func lookup(_ slot: FHIRPathMember.Slot, in object: FHIRObject, hint: FHIRPathMemberIndexHint)
        -> (FHIRElement?, FHIRElement?)
    {
        guard let extensionName = slot.extensionName, object.mayHaveUnderscoreKeys else {
            return (hint.value(of: slot.jsonName, in: object), nil)
        }
        return lookup(slot.jsonName, extensionName, in: object)
    }

    @inline(__always)
    static func lookup(_ jsonName: String, _ extensionName: String, in object: FHIRObject)
        -> (FHIRElement?, FHIRElement?)
    {
        let nameLength = jsonName.utf8.count
        let extensionLength = extensionName.utf8.count
        return object.withMembers { members in
            var value: FHIRElement? = nil
            var x: FHIRElement? = nil
            for i in members.indices {
                let length = members[i].key.utf8.count
                if length == nameLength, members[i].key == jsonName {
                    value = members[i].value
                } else if length == extensionLength, members[i].key == extensionName {
                    x = members[i].value
                }
            }
            return (value, x)
        }
    }

    /// Calls `body` with each value of `member` in `object`.
    @inline(__always)
    static func forEachValue(
        of member: FHIRPathMember, in object: FHIRObject, _ body: (FHIRPathItem) throws -> Void
    ) rethrows {
        switch member.storage {
        case .plain(let slot):
            let (value, x) = lookup(slot, in: object)
            try forEachItem(
                value, extensionValue: x, type: slot.type, resolvesResourceType: slot.holdsResources, body)
        case .choice(_, let candidates) where candidates.count == 1:
            // One candidate (`value.ofType(Quantity)` keeps only `valueQuantity`): a lookup, not a scan.
            let c = candidates[0]
            try forEachNode(of: c, in: object) { node, x in
                try body(item(node, type: c.type, extension: x, resolvesResourceType: c.holdsResources))
            }
        case .choice(_, let candidates):
            var extensionOnly = false
            try object.withMembers { members in
                for i in members.indices {
                    if members[i].key.utf8.first == UInt8(ascii: "_") {
                        extensionOnly = true
                        continue
                    }
                    for c in candidates where FHIRObject.sameKey(c.jsonName, members[i].key) {
                        let x = c.extensionName.flatMap { object[$0] }
                        try forEachItem(
                            members[i].value, extensionValue: x, type: c.type, resolvesResourceType: c.holdsResources,
                            body)
                    }
                }
            }
            // `_valueString` without `valueString`: a primitive with only an extension.
            guard extensionOnly else { return }
            for m in object.members where m.key.utf8.first == UInt8(ascii: "_") {
                let key = String(m.key.dropFirst())
                if object[key] == nil, let c = candidates.first(where: { $0.jsonName == key }) {
                    try forEachItem(nil, extensionValue: m.value, type: c.type, resolvesResourceType: false, body)
                }
            }
        }
    }

    /// The object whose members a node's children are: the node itself, or for a primitive, its `_name` object
    /// (which holds its `id` and `extension`).
    @inline(__always)
    static func memberHolder(_ element: FHIRElement, _ primitiveExtension: FHIRElement?) -> FHIRObject? {
        if case .object(let object) = element { return object }
        if case .object(let object)? = primitiveExtension { return object }
        return nil
    }

    /// Calls `body` with each item of `item.name`. `resolved` is the member when the compiler already knows it.
    @inline(__always)
    static func forEachChild(
        _ item: FHIRPathItem, name: String, member resolved: FHIRPathMember?, model: any FHIRPathTypeModel,
        _ body: (FHIRPathItem) throws -> Void
    ) rethrows {
        guard let node = item.value.node, let object = memberHolder(node.element, item.value.primitiveExtension) else {
            return
        }
        let type = node.type
        if let member = resolved ?? type.flatMap({ model.member(name, of: $0) }) {
            try forEachValue(of: member, in: object, body)
            return
        }
        if let type, model.knowsType(type) { return }
        var untyped: [FHIRPathItem] = []
        navigateUntyped(object, name: name, into: &untyped)
        for child in untyped { try body(child) }
    }

    /// Calls `body` with what a type name at the start of a path (`Patient.name`) gives on `item`: the item when
    /// it is of that type (or a subtype), else, for an element named like a type (rare), that member.
    @inline(__always)
    static func forEachItem(
        ofTypeName name: String, from item: FHIRPathItem, model: any FHIRPathTypeModel,
        _ body: (FHIRPathItem) throws -> Void
    ) rethrows {
        guard let n = item.value.node else { return }
        if let type = n.type, FHIRObject.sameKey(type, name) || model.isSubtype(type, of: name) {
            try body(item)
        } else if case .object(let object) = n.element {
            var children: [FHIRPathItem] = []
            navigateUntyped(object, name: name, into: &children)
            for child in children { try body(child) }
        }
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
        guard let node = item.value.node, case .object(let object) = node.element else { return }
        let type = node.type
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
