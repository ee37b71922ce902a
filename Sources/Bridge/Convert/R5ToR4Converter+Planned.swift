import FHIRModel

/// The planned walk: the general walk's decisions taken from `R5ToR4Plans` (looked up once per member name, not
/// per member), values that convert to themselves shared rather than copied, and locations kept as steps and spelt
/// out only when the general walk needs one. A member whose values are not all what its plan expects (a kind the
/// element does not take, a reference or code R4 refuses, a second value where R4 holds one, a primitive's `_name`)
/// goes to the general walk whole, before anything under it is converted, so what is lost and noted is recorded by
/// the same code in the same order.
extension R5ToR4Converter {
    /// The walk's place as the general walk spells it: `ResearchStudy.identifier[0].period`.
    var location: String { locationSteps.text ?? "" }

    func resourcePlan(_ type: String) -> R5ToR4ObjectPlan? {
        if let plan = resourcePlans[type] { return plan }
        let plan = R5ToR4Plans.shared.plan(forResource: type)
        resourcePlans[type] = plan
        return plan
    }

    /// The object in R4 and in R4's order, or nil when that is the object itself (nothing under it changed or moved).
    /// An object whose members a plan placed is in order when their ranks rise (what is under them sees to its own
    /// order); one the general walk had a hand in is put in order as the general walk's resources are.
    func convertPlanned(_ object: FHIRObject, plan: R5ToR4ObjectPlan, planned: [PlannedMember] = []) -> FHIRObject? {
        if object.mayHaveUnderscoreKeys, object.contains(where: { $0.key.utf8.first == UInt8(ascii: "_") }) {
            // A primitive's id and extensions go with its value: the general walk pairs them.
            let converted = convertObject(object, r5Type: plan.r5Type, r4Type: plan.r4Type, location: location, planned: planned)
            return inR4Order(converted, plan: plan)
        }
        var out: FHIRObject?  // nil while every member so far is as it was
        var carried: [FHIRElement] = []
        var previousRank = Int.min
        var inOrder = true
        var generalWalked = false
        // (Not a nested function: one capturing `out` would box it on the heap for every object.)
        @inline(__always) func changed(_ out: inout FHIRObject?, before index: Int, of object: FHIRObject, extra: Int) {
            if out == nil {
                out = FHIRObject(minimumCapacity: object.count + extra)
                for member in object[..<index] { out!.appendUnchecked(key: member.key, value: member.value) }
            }
        }
        for index in object.indices {
            let member = object[index]
            if member.key == "resourceType" {
                if plan.resourceTypeRank < previousRank { inOrder = false }
                previousRank = plan.resourceTypeRank
                out?.appendUnchecked(key: member.key, value: member.value)
                continue
            }
            guard let memberPlan = plan.table.plan(for: member.key), let value = plannedValue(member, memberPlan) else {
                changed(&out, before: index, of: object, extra: planned.count)
                convertMember(member, of: object, t5: plan.t5, t4: plan.t4, r5Type: plan.r5Type, r4Type: plan.r4Type,
                              location: location, into: &out!, carried: &carried)
                generalWalked = true
                continue
            }
            if memberPlan.r4Rank < previousRank { inOrder = false }
            previousRank = memberPlan.r4Rank
            if let value {
                changed(&out, before: index, of: object, extra: planned.count)
                out!.appendUnchecked(key: memberPlan.r4Key, value: value)
            } else {
                out?.appendUnchecked(key: member.key, value: member.value)
            }
        }
        if !planned.isEmpty || !carried.isEmpty {
            changed(&out, before: object.count, of: object, extra: planned.count)
            generalWalked = true
        }
        for member in planned {
            place(member, primitiveExtensions: nil, r4Type: plan.r4Type, into: &out!, carried: &carried)
        }
        if out != nil { appendCarried(carried, to: &out!) }
        if generalWalked { return inR4Order(out ?? object, plan: plan) }
        if !inOrder {
            // Only this object's members moved: what is under them is in order already.
            var sorted = out ?? object
            sorted.sortMembers { plan.r4Ranks[$0] ?? Int.max }
            return sorted
        }
        return out
    }

    /// The object in R4's canonical order, what is under it too (`FHIRCanonicalOrder`, as the general walk's resources).
    private func inR4Order(_ object: FHIRObject, plan: R5ToR4ObjectPlan) -> FHIRObject {
        FHIRCanonicalOrder(definitions: r4).reorder(.object(object), asType: plan.r4Type).objectValue ?? object
    }

    /// A member's R4 value by its plan: `.some(nil)` when it is the member itself (same key, same value),
    /// `.some(value)` when it changed, nil when the general walk must convert it.
    private func plannedValue(_ member: FHIRObject.Member, _ plan: R5ToR4MemberPlan) -> FHIRElement?? {
        let sameKey = plan.r4Key == member.key
        switch plan.value {
        case .general:
            return nil
        case .primitive:
            guard let primitive = plan.primitive else { return nil }
            if plan.r5IsArray, case .array(let items) = member.value {
                guard !items.isEmpty, plan.r4IsArray || items.count == 1 else { return nil }
                var converted = items
                var same = sameKey && plan.r4IsArray
                for index in items.indices {
                    guard let value = primitive.convert(items[index]) else { return nil }
                    if case .number = value, value != items[index] {
                        converted[index] = value
                        same = false
                    }
                }
                if same { return .some(nil) }
                return .some(plan.r4IsArray ? .array(converted) : converted[0])
            }
            guard let value = primitive.convert(member.value) else { return nil }
            if plan.r4IsArray { return .some(.array([value])) }
            if case .number = value, value != member.value { return .some(value) }
            return sameKey ? .some(nil) : .some(value)
        case .complex(let child):
            return plannedObjects(member, plan, child: child, allowedTargets: nil, isReference: false)
        case .reference(let child, let allowed):
            return plannedObjects(member, plan, child: child, allowedTargets: allowed, isReference: true)
        }
    }

    /// Objects of a datatype R4 has too: every value is checked before any is converted (a value the plan cannot
    /// take sends the whole member to the general walk, with nothing recorded twice).
    private func plannedObjects(
        _ member: FHIRObject.Member, _ plan: R5ToR4MemberPlan, child: R5ToR4ObjectPlan, allowedTargets: Set<String>?,
        isReference: Bool
    ) -> FHIRElement?? {
        func takes(_ value: FHIRElement) -> Bool {
            guard case .object = value else { return false }
            return !isReference || referenceProblem(value, allowedTargets: allowedTargets, r4Path: "") == nil
        }
        let key = member.key
        if plan.r5IsArray, case .array(let items) = member.value {
            guard !items.isEmpty, plan.r4IsArray || items.count == 1, items.allSatisfy(takes) else { return nil }
            var converted: [FHIRElement]?
            for index in items.indices {
                guard case .object(let object) = items[index] else { continue }
                locationSteps.append(.member(key))
                locationSteps.append(.item(index))
                let result = convertPlanned(object, plan: child)
                locationSteps.removeLast()
                locationSteps.removeLast()
                if let result {
                    if converted == nil { converted = items }
                    converted![index] = .object(result)
                }
            }
            if converted == nil, plan.r4IsArray, plan.r4Key == key { return .some(nil) }
            let values = converted ?? items
            return .some(plan.r4IsArray ? .array(values) : values[0])
        }
        guard takes(member.value), case .object(let object) = member.value else { return nil }
        locationSteps.append(.member(key))
        if plan.r5IsArray { locationSteps.append(.item(0)) }
        let result = convertPlanned(object, plan: child)
        if plan.r5IsArray { locationSteps.removeLast() }
        locationSteps.removeLast()
        let value = result.map(FHIRElement.object) ?? member.value
        if plan.r4IsArray { return .some(.array([value])) }
        return result == nil && plan.r4Key == key ? .some(nil) : .some(value)
    }
}
