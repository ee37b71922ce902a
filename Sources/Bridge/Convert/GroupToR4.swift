import FHIRModel

/// Group: R5's `membership` (enumerated | definitional) is R4's required `actual` (true | false).
enum GroupToR4 {
    static func prepare(_ group: inout FHIRObject) -> [PlannedMember] {
        guard let membership = group.removeValue(forKey: "membership") else { return [] }
        let location = "Group.membership"
        switch membership.stringValue {
        case "enumerated", "definitional":
            return [PlannedMember(r4Name: "actual", values: [.boolean(membership.stringValue == "enumerated")], locations: [location],
                                  r5Path: location, disposition: .convert(typeCode: "boolean"))]
        default:
            return [PlannedMember(r4Name: "actual", values: [membership], locations: [location], r5Path: location,
                                  disposition: .lost(typeCode: "code", reason: "'\(membership.stringValue ?? "")' is neither enumerated nor definitional"))]
        }
    }
}
