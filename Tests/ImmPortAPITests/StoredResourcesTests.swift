import FHIRModel
@testable import ImmPortAPI
import Testing

/// `StoredResources` packs a spooled resource's span into one word and keeps trees and out-of-range spans apart:
/// whatever is stored, and however it is replaced, reads back as it was given.
@Suite struct StoredResourcesTests {
    static func same(_ a: FHIRResourceCollection.Stored, _ b: FHIRResourceCollection.Stored) -> Bool {
        switch (a, b) {
        case (.tree(let x), .tree(let y)): x == y
        case (.spooled(let x), .spooled(let y)): x == y
        default: false
        }
    }

    @Test func everyKindReadsBackAndReplacesAsGiven() {
        let tree: (String) -> FHIRResourceCollection.Stored = { .tree(try! FHIRJSONReader().read(#"{"id":"\#($0)"}"#)) }
        let spans: [ByteSpool.Span] = [
            .init(offset: 0, length: 0), .init(offset: 7, length: 1), .init(offset: (1 << 40) - 1, length: (1 << 22) - 1),
            .init(offset: 1 << 40, length: 5), .init(offset: 12, length: 1 << 22), .init(offset: Int.max / 2, length: Int(Int32.max)),
        ]
        var model: [FHIRResourceCollection.Stored] = []
        for (index, span) in spans.enumerated() {
            model.append(.spooled(span))
            model.append(tree("t\(index)"))
        }
        var stored = StoredResources()
        for item in model { stored.append(item) }
        #expect(stored.count == model.count)
        for position in model.indices {
            #expect(Self.same(stored[position], model[position]))
            if case .spooled(let span) = model[position] { #expect(stored.span(at: position) == span) } else { #expect(stored.span(at: position) == nil) }
        }
        // Every kind replaced by every kind, as a newer version replaces a resource in place.
        let replacements: [FHIRResourceCollection.Stored] = [tree("new"), .spooled(.init(offset: 99, length: 3)), .spooled(.init(offset: 1 << 41, length: 2))]
        for (round, replacement) in replacements.enumerated() {
            for position in model.indices where position % replacements.count == round {
                stored[position] = replacement
                model[position] = replacement
            }
        }
        for position in model.indices { #expect(Self.same(stored[position], model[position])) }
    }
}
