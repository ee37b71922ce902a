import Testing

@testable import FHIRModel

/// The quick scan that sizes containers before the JSON reader builds them (so that it can allocate them as they
/// open): sizes in opening order, strings skipped whatever they contain, and no trouble with malformed input.
@Suite struct JSONContainerSizesTests {
    /// The container sizes the scan finds from `start`, and the strings it hands the reader as plain.
    func scan(_ json: String, from start: Int = 0) -> (sizes: [Int32], plainStrings: [String]) {
        var sizes = ScratchStack<Int32>(capacity: 4)
        var open = ScratchStack<JSONContainerSizes.Open>(capacity: 2)
        var spans = ScratchStack<JSONContainerSizes.StringSpan>(capacity: 2)
        defer {
            sizes.deallocate()
            open.deallocate()
            spans.deallocate()
        }
        var text = json
        return text.withUTF8 { bytes in
            JSONContainerSizes.scan(
                bytes.baseAddress!, from: start, count: bytes.count, into: &sizes, strings: &spans, open: &open)
            let plain = (0..<spans.count).map {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[(spans[$0].start + 1)..<spans[$0].end]), as: UTF8.self)
            }
            return ((0..<sizes.count).map { sizes[$0] }, plain)
        }
    }

    func sizes(_ json: String, from start: Int = 0) -> [Int32] { scan(json, from: start).sizes }

    @Test func sizesInOpeningOrder() {
        // root {a, c, d, e}; a [1, 2, {b}, []]; {b}; []; c {}; e [{}]; {}
        let json = #"{"a": [1, 2, {"b": "x,]}"}, [ ]], "c": {}, "d": "q\"[", "e": [{ }]}"#
        #expect(sizes(json) == [4, 4, 1, 0, 0, 1, 0])
    }

    @Test func stringsWithBracketsCommasAndEscapesAreSkipped() {
        // A string ending in an escaped backslash, then one holding an escaped quote and structure characters.
        let json = #"["a\\", "b\"],{[", "\\\"", "long string of more than eight bytes, with commas, and ] }"]"#
        #expect(sizes(json) == [4])
    }

    /// Plain: exactly the strings without escapes, control or non-ASCII bytes.
    @Test func plainStringsOnly() {
        let json = #"{"key": "a value longer than eight bytes", "esc\"aped": "caf\#u{E9}", "x": ["\#t", "ok", "\n"]}"#
        #expect(scan(json).plainStrings == ["key", "a value longer than eight bytes", "x", "ok"])
    }

    @Test func stopsAtTheCloseOfTheFirstContainer() {
        let json = #"{"a": 1} {"b": [1, 2, 3]}"#
        #expect(sizes(json) == [1])
        #expect(sizes(json, from: 9) == [1, 3])
    }

    @Test func whitespaceOnlyContainersAreEmpty() {
        #expect(sizes("[ \n\t\r ]") == [0])
        #expect(sizes("{\n}") == [0])
        #expect(sizes("[[ ], [1], {\"a\": [ ]}]") == [3, 0, 1, 1, 0])
    }

    @Test func malformedInputEndsTheScanWithoutHarm() {
        // Unterminated string, unclosed containers, stray closers: whatever the sizes, nothing breaks, and the
        // reader still reports the error.
        for json in [#"{"a": "unterminated"#, "[[[1, 2", "]", "}}}", #"{"a\"#, "[\"\\", ""] {
            _ = sizes(json)
            #expect(throws: FHIRJSONError.self) { try FHIRJSONReader().read(json) }
        }
    }

    @Test func aFailedParseLeavesNothingForTheNext() throws {
        // The first document is scanned whole, then fails late (a bad number), leaving sizes and string spans
        // behind; the next, of another shape, reuses the same pooled stacks and must not see them.
        let failing = #"{"aaaa": ["bbbbbbbbbbbb", "cc", {"d": [1, 2, 3]}], "e": 01}"#
        let next = #"{"x": "yyyyyyyyyyyyyyyyyyyy", "zz": [{"k": "v"}, [], "w"]}"#
        for _ in 0..<3 {
            #expect(throws: FHIRJSONError.self) { try FHIRJSONReader().read(failing) }
            let tree = try FHIRJSONReader().read(next)
            #expect(tree["x"] == "yyyyyyyyyyyyyyyyyyyy")
            #expect(tree["zz"] == [["k": "v"], [], "w"])
            #expect(tree.objectValue?.count == 2)
        }
    }

    @Test func readerBuildsTheSameTreeWithSizedContainers() throws {
        // Containers sized ahead (every member), partly (a filtered top level) and not at all (streamed entries)
        // give the same values.
        let json = #"""
            {"resourceType": "Bundle", "type": "collection", "entry": [
              {"resource": {"resourceType": "Patient", "id": "p1", "name": [{"given": ["A", "B"]}, {"family": "C"}],
               "_birthDate": {"extension": []}, "birthDate": "1970"}},
              {"resource": {"resourceType": "Observation", "id": "o1", "code": {"coding": [{"system": "s", "code": "c"}]},
               "valueQuantity": {"value": 1.50, "unit": "mg"}, "component": [ ]}}]}
            """#
        let whole = try FHIRJSONReader().read(json)
        var streamed: [FHIRElement] = []
        var text = json
        let rest = try text.withUTF8 { bytes in
            try FHIRJSONReader().readBundleStreamingEntries(UnsafeRawBufferPointer(bytes)) { streamed.append($0) }
        }
        #expect(whole["entry"]?.arrayValue == streamed)
        #expect(rest["type"] == "collection")
        let filtered = try FHIRJSONReader(
            options: .init(topLevelKeys: FHIRJSONKeyFilter(keys: ["resourceType", "entry"]))
        ).read(json)
        #expect(filtered["entry"] == whole["entry"])
        #expect(filtered["type"] == nil)
        let patient = whole["entry"]?[0]?["resource"]
        #expect(patient?["name"]?[0]?["given"]?.arrayValue == ["A", "B"])
        #expect(whole["entry"]?[1]?["resource"]?["valueQuantity"]?["value"] == .number(FHIRNumber("1.50")!))
    }
}
