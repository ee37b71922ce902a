import FHIRModel

/// The order a push sends resources in: every resource after the ones it references (within what is pushed), so a
/// server that checks references (HAPI does) finds each target already stored or in the same transaction, however
/// the resources are cut into chunks. References that form a cycle are sent in the order found.
enum PushOrder {
    static func ordered(_ resources: [FHIRElement]) -> [FHIRElement] {
        var index: [FHIRResourceKey: Int] = [:]
        for (position, resource) in resources.enumerated() {
            if let key = FHIRResourceKey(resource: resource), index[key] == nil { index[key] = position }
        }
        var state = [UInt8](repeating: 0, count: resources.count)  // 0 not seen, 1 on the path, 2 placed
        var result: [FHIRElement] = []
        result.reserveCapacity(resources.count)
        // Depth-first with an explicit stack: a long chain of references cannot overflow the call stack.
        for start in resources.indices where state[start] == 0 {
            var stack: [(position: Int, targets: [Int], next: Int)] = []
            state[start] = 1
            stack.append((start, targets(of: resources[start], index: index), 0))
            while !stack.isEmpty {
                let top = stack.count - 1
                if stack[top].next < stack[top].targets.count {
                    let target = stack[top].targets[stack[top].next]
                    stack[top].next += 1
                    if state[target] == 0 {
                        state[target] = 1
                        stack.append((target, targets(of: resources[target], index: index), 0))
                    }
                } else {
                    state[stack[top].position] = 2
                    result.append(resources[stack[top].position])
                    stack.removeLast()
                }
            }
        }
        return result
    }

    static func targets(of resource: FHIRElement, index: [FHIRResourceKey: Int]) -> [Int] {
        var found: [Int] = []
        FHIRReferenceFinder.forEachReference(in: resource) { _, reference in
            if let key = reference.resourceKey, let position = index[key] { found.append(position) }
        }
        return found
    }
}
