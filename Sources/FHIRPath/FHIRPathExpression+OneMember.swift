import FHIRModel

extension FHIRPathExpression {
    /// The member a path of one name reads as node steps (`subject`, `id`): not a choice's several members, not a
    /// function. Its nodes are the member's value, or each item of its array, on a resource of the root type that
    /// has no `_name` (primitive extensions are merged into the nodes by the walk). nil for any other path.
    ///
    /// Callers that read a path like this for every resource (a plan's selection, a link's key) read the member
    /// directly: the walk cost half a microsecond a resource, most of what such a caller does with it.
    public var oneMember: String? {
        let source = self.source
        let oneName = !source.isEmpty && source.utf8.allSatisfy {
            ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") || $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")
        }
        guard oneName, nodeType != nil, let keys = focusKeys, keys.prefixes.isEmpty, keys.keys == [source, "_" + source] else { return nil }
        return source
    }
}
