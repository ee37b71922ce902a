import FHIRModel
import Synchronization

/// What the general R5 -> R4 walk (`R5ToR4Converter`) would decide for every member name of one (R5 type, R4 type)
/// pair, decided once per process instead of once per member of every resource: the R5 element, its R4 element
/// (renamed or not), the R4 property name, and how a value converts when nothing about it is unusual. The planned
/// walk (`R5ToR4Converter+Planned`) follows a plan while each value passes its checks and hands a member to the
/// general walk otherwise, so both give the same answers; `R5ToR4PlanTests` compares them.
///
/// Plans are built under a lock, the whole set a type reaches at once, and never change after they are published
/// (hence `@unchecked Sendable`: members are written only while building).
final class R5ToR4ObjectPlan: @unchecked Sendable {
    let r5Type: String
    let r4Type: String
    let t5: FHIRTypeDefinition
    let t4: FHIRTypeDefinition
    /// The rank of `resourceType` among the R4 object's members (first in a resource, unknown elsewhere).
    let resourceTypeRank: Int
    /// JSON property name -> what to do with it. A name R5's type lacks, or a primitive's `_name`, is not here: the
    /// general walk handles it.
    fileprivate(set) var table = R5ToR4MemberTable([:])
    /// R4 property name -> its rank, for the members the plans place (and `resourceType`).
    fileprivate(set) var r4Ranks: [String: Int] = [:]

    fileprivate init(r5Type: String, r4Type: String, t5: FHIRTypeDefinition, t4: FHIRTypeDefinition) {
        self.r5Type = r5Type
        self.r4Type = r4Type
        self.t5 = t5
        self.t4 = t4
        resourceTypeRank = FHIRCanonicalOrder(definitions: .r4).slot(of: "resourceType", inType: r4Type)?.rank ?? Int.max
    }
}

/// Member plans by JSON name, looked up once per member of every object converted: an open-addressed table with
/// FNV-1a over the name's bytes, a few times cheaper than `Dictionary`'s seeded SipHash for FHIR's short names.
struct R5ToR4MemberTable: Sendable {
    private let keys: [String]
    private let plans: [R5ToR4MemberPlan?]
    private let mask: Int

    init(_ entries: [String: R5ToR4MemberPlan]) {
        var size = 8
        while size < entries.count * 2 { size *= 2 }
        var keys = [String](repeating: "", count: size)
        var plans = [R5ToR4MemberPlan?](repeating: nil, count: size)
        for (key, plan) in entries {
            var slot = Self.hash(key) & (size - 1)
            while plans[slot] != nil { slot = (slot + 1) & (size - 1) }
            keys[slot] = key
            plans[slot] = plan
        }
        self.keys = keys
        self.plans = plans
        mask = size - 1
    }

    func plan(for key: String) -> R5ToR4MemberPlan? {
        var slot = Self.hash(key) & mask
        while let plan = plans[slot] {
            if keys[slot] == key { return plan }
            slot = (slot + 1) & mask
        }
        return nil
    }

    static func hash(_ key: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}

final class R5ToR4MemberPlan: @unchecked Sendable {
    enum Value {
        /// The same datatype in R4 (not a Reference): an object converted by its own plan.
        case complex(R5ToR4ObjectPlan)
        /// A Reference: converted by its plan once its target passes `R5ToR4Converter.referenceProblem`.
        case reference(R5ToR4ObjectPlan, allowedTargets: Set<String>?)
        /// A primitive, converted by `primitive`.
        case primitive
        /// Anything else (no R4 element, another shape, a CodeableReference, a resource): the general walk.
        case general
    }

    /// Whether R5 (and R4) hold the element as a JSON array.
    let r5IsArray: Bool
    let r4IsArray: Bool
    /// The R4 property name the values go to (`individual` for `subject`, `valueString` for a choice).
    let r4Key: String
    /// Where `r4Key` goes among the R4 object's members (`FHIRCanonicalOrder.slot`), so the planned walk can tell an
    /// object in R4's order without looking its members up again.
    let r4Rank: Int
    let value: Value
    /// For `.primitive`: a primitive of one R5 type in an R4 element of one type. (A stored reference of its own,
    /// not the case's payload: a class reference inside a multi-payload enum keeps the case in its spare bits, and
    /// LeakSanitizer, not seeing a pointer there, reported every primitive plan as leaked.)
    let primitive: R5ToR4PrimitivePlan?

    fileprivate init(
        r5IsArray: Bool, r4IsArray: Bool, r4Key: String, r4Type: String, value: Value, primitive: R5ToR4PrimitivePlan? = nil
    ) {
        self.r5IsArray = r5IsArray
        self.r4IsArray = r4IsArray
        self.r4Key = r4Key
        r4Rank = FHIRCanonicalOrder(definitions: .r4).slot(of: r4Key, inType: r4Type)?.rank ?? Int.max
        self.value = value
        self.primitive = primitive
    }
}

/// A primitive conversion decided by type: what `R4PrimitiveValue.convert` and the converter's code check look up
/// per value, looked up once.
final class R5ToR4PrimitivePlan: Sendable {
    let r5Type: String
    let r4Type: String
    let r5IsInteger64: Bool
    let r4Kind: FHIRPrimitiveKind?
    /// R4's type has lexical rules narrower than R5's for the same text (`R4PrimitiveValue.lexicalProblem`).
    let checksText: Bool
    /// For an R4 `code` with a required binding: the codes R4 allows there.
    let allowedCodes: Set<String>?

    init(r5Type: String, r4Type: String, r5IsInteger64: Bool, r4Kind: FHIRPrimitiveKind?, checksText: Bool, allowedCodes: Set<String>?) {
        self.r5Type = r5Type
        self.r4Type = r4Type
        self.r5IsInteger64 = r5IsInteger64
        self.r4Kind = r4Kind
        self.checksText = checksText
        self.allowedCodes = allowedCodes
    }

    /// The R4 value, or nil when the general walk must decide (a value R4 cannot hold, a code to translate, a
    /// JSON kind the type does not take): the same value `R5ToR4Converter.convertPrimitive` returns when it keeps it.
    func convert(_ value: FHIRElement) -> FHIRElement? {
        switch value {
        case .string(let text):
            guard !r5IsInteger64, r4Kind == .string else { return nil }
            if checksText, R4PrimitiveValue.lexicalProblem(text, as: r4Type) != nil { return nil }
            if let allowedCodes, !allowedCodes.contains(text) { return nil }
            return value
        case .boolean:
            // Not a `? :` with `nil`: FHIRElement is ExpressibleByNilLiteral, so that nil would be JSON null.
            guard r4Kind == .boolean else { return nil }
            return value
        case .number:
            guard case .value(let converted) = R4PrimitiveValue.convert(value, from: r5Type, to: r4Type) else { return nil }
            return converted
        default:
            return nil
        }
    }
}

/// The process's plans, by (R5 type, R4 type).
final class R5ToR4Plans: Sendable {
    static let shared = R5ToR4Plans()

    private let built = Mutex<[String: R5ToR4ObjectPlan]>([:])

    /// The plan for a resource type both releases have, or nil.
    func plan(forResource type: String) -> R5ToR4ObjectPlan? {
        plan(r5Type: type, r4Type: type)
    }

    func plan(r5Type: String, r4Type: String) -> R5ToR4ObjectPlan? {
        built.withLock { plans in Self.plan(r5Type: r5Type, r4Type: r4Type, in: &plans) }
    }

    /// Builds the plan and every plan its members reach (each published once complete, which the lock hides).
    private static func plan(r5Type: String, r4Type: String, in plans: inout [String: R5ToR4ObjectPlan]) -> R5ToR4ObjectPlan? {
        let name = r5Type + "\u{0}" + r4Type
        if let plan = plans[name] { return plan }
        let r5 = FHIRDefinitions.r5, r4 = FHIRDefinitions.r4
        guard let t5 = r5.type(named: r5Type), let t4 = r4.type(named: r4Type) else { return nil }
        let plan = R5ToR4ObjectPlan(r5Type: r5Type, r4Type: r4Type, t5: t5, t4: t4)
        plans[name] = plan  // before its members, which may reach it again (Extension.extension, Identifier.assigner)
        var members: [String: R5ToR4MemberPlan] = [:]
        for key in t5.jsonPropertyNames {
            guard let (e5, tc5) = t5.element(named: key) else { continue }
            let r4Name = R5ToR4Renames.byPath["\(r5Type).\(e5.name)"] ?? e5.name
            guard let e4 = t4.elementDefinition(named: r4Name) else {
                members[key] = R5ToR4MemberPlan(r5IsArray: e5.isArray, r4IsArray: false, r4Key: r4Name, r4Type: r4Type, value: .general)
                continue
            }
            let r4Path = "\(r4Type).\(e4.name)"
            let codes4 = e4.typeCodes
            var value = R5ToR4MemberPlan.Value.general
            var primitive: R5ToR4PrimitivePlan?
            var keptType = tc5
            if tc5 == "Resource" || r5.isResource(tc5) {
                value = .general
            } else if codes4.contains(tc5) {
                if r5.isPrimitive(tc5) {
                    value = .primitive
                    primitive = primitivePlan(from: tc5, to: tc5, r4Path: r4Path)
                } else if let child = Self.plan(r5Type: tc5, r4Type: tc5, in: &plans) {
                    value = tc5 == "Reference" ? .reference(child, allowedTargets: R4ReferenceTargets.byPath[r4Path]) : .complex(child)
                }
            } else if tc5 != "CodeableReference", r5.isPrimitive(tc5), codes4.count == 1, r4.isPrimitive(codes4[0]) {
                keptType = codes4[0]
                value = .primitive
                primitive = primitivePlan(from: tc5, to: codes4[0], r4Path: r4Path)
            }
            let r4Key = e4.isChoice ? e4.jsonName(forChoiceType: keptType) : e4.name
            members[key] = R5ToR4MemberPlan(r5IsArray: e5.isArray, r4IsArray: e4.isArray, r4Key: r4Key, r4Type: r4Type, value: value, primitive: primitive)
        }
        plan.table = R5ToR4MemberTable(members)
        plan.r4Ranks["resourceType"] = plan.resourceTypeRank
        for member in members.values { plan.r4Ranks[member.r4Key] = member.r4Rank }
        return plan
    }

    private static func primitivePlan(from tc5: String, to tc4: String, r4Path: String) -> R5ToR4PrimitivePlan {
        R5ToR4PrimitivePlan(
            r5Type: tc5, r4Type: tc4, r5IsInteger64: FHIRDefinitions.r5.primitiveKind(tc5) == .integer64,
            r4Kind: FHIRDefinitions.r4.primitiveKind(tc4), checksText: ["instant", "date", "id"].contains(tc4),
            allowedCodes: tc4 == "code" ? R4RequiredCodes.byPath[r4Path] : nil)
    }
}
