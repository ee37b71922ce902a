import Testing
@testable import FHIRModel

@Suite struct JSONRoundTripTests {
    @Test func keepsNumberTextKeyOrderAndNullsInPrimitiveExtensionArrays() throws {
        let text = #"{"resourceType":"Observation","valueQuantity":{"value":72.50,"unit":"kg"},"x":[1.0e0,0.000,-0],"_given":[null,{"id":"a"}],"s":"é😀\"\\\n\u0001"}"#
        let tree = try FHIRJSONReader().read(text)
        #expect(tree["valueQuantity"]?["value"]?.numberValue?.text == "72.50")
        #expect(tree.objectValue?.keys == ["resourceType", "valueQuantity", "x", "_given", "s"])
        #expect(tree["_given"]?[0] == .null)
        #expect(FHIRJSONWriter().string(tree) == text)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let tree = try FHIRJSONReader().read(#"["\u00e9\ud83d\ude00\/"]"#)
        #expect(tree[0]?.stringValue == "é😀/")
    }

    @Test func prettyOutputReadsBackEqual() throws {
        let text = #"{"a":[1,{"b":[]},{}],"c":null,"d":true}"#
        let tree = try FHIRJSONReader().read(text)
        let pretty = FHIRJSONWriter(pretty: true).string(tree)
        #expect(pretty.contains("\n  \"a\": ["))
        #expect(try FHIRJSONReader().read(pretty) == tree)
    }

    @Test func streamsBundleEntries() throws {
        let text = #"{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Patient","id":"1"}},{"resource":{"resourceType":"Patient","id":"2"}}],"total":2}"#
        var ids: [String] = []
        let bytes = Array(text.utf8)
        let bundle = try bytes.withUnsafeBytes { raw in
            try FHIRJSONReader().readBundleStreamingEntries(raw) { entry in
                ids.append(entry["resource"]?["id"]?.stringValue ?? "?")
            }
        }
        #expect(ids == ["1", "2"])
        #expect(bundle["entry"] == nil)
        #expect(bundle["total"]?.numberValue?.text == "2")
    }

    @Test func streamedEntriesReportTheirResourceBytesAndTheHeaderComesFirst() throws {
        // Whitespace inside and around the resource, a link before the entries, a `link`-shaped object inside an
        // entry, an entry without a resource and a nested "resource" key that is not the entry's.
        let text = #"""
            {"resourceType":"Bundle","link":[{"relation":"next","url":"n"}],"entry":[
              {"fullUrl":"a","resource": {"resourceType":"Patient", "id":"1","contained":[{"resource":1}]} ,"search":{"mode":"match"}},
              {"fullUrl":"b"},
              {"resource":{"resourceType":"Patient","id":"2"}}],"total":2}
            """#
        let bytes = Array(text.utf8)
        var events: [String] = []
        var spans: [Range<Int>?] = []
        var entries: [FHIRElement] = []
        _ = try bytes.withUnsafeBytes { raw in
            try FHIRJSONReader().readBundleStreamingEntries(
                raw, header: { header in events.append("header:\(header.objectValue?.keys ?? [])") },
                withResourceSpans: { entry, span in
                    events.append("entry")
                    spans.append(span)
                    entries.append(entry)
                })
        }
        #expect(events == ["header:[\"resourceType\", \"link\"]", "entry", "entry", "entry"])
        #expect(spans[1] == nil)
        for (span, entry) in zip(spans, entries) {
            guard let span else { continue }
            let slice = Array(bytes[span])
            #expect(slice.first == UInt8(ascii: "{") && slice.last == UInt8(ascii: "}"), "the span is the value, without the whitespace around it")
            #expect(try FHIRJSONReader().read(slice) == entry["resource"])
        }
    }

    @Test func aBundleWithoutEntriesCallsNoHeader() throws {
        let bytes = Array(#"{"resourceType":"Bundle","link":[{"relation":"next","url":"n"}]}"#.utf8)
        var headers = 0
        let bundle = try bytes.withUnsafeBytes { raw in
            try FHIRJSONReader().readBundleStreamingEntries(raw, header: { _ in headers += 1 }, withResourceSpans: { _, _ in })
        }
        #expect(headers == 0)
        #expect(bundle["link"]?[0]?["url"]?.stringValue == "n")
    }
}

/// `mayHaveUnderscoreKeys` lets FHIRPath skip looking for `_name` siblings: it must never be false when an object
/// has such a key, however the object was made (read from JSON, even with an escaped `_`, or built in code).
@Suite struct UnderscoreKeyHintTests {
    @Test func theHintIsTrueWheneverAnUnderscoreKeyExists() throws {
        let read = try FHIRJSONReader().read(#"{"a":1,"b":{"_c":{"id":"x"}},"d":{"\u005fe":1},"f":{"g":2}}"#)
        #expect(read.objectValue?.mayHaveUnderscoreKeys == false)
        #expect(read["b"]?.objectValue?.mayHaveUnderscoreKeys == true)
        #expect(read["d"]?.objectValue?.mayHaveUnderscoreKeys == true)
        #expect(read["f"]?.objectValue?.mayHaveUnderscoreKeys == false)
        var built = FHIRObject()
        built.appendUnchecked(key: "birthDate", value: "2000")
        #expect(!built.mayHaveUnderscoreKeys)
        built["_birthDate"] = ["id": "x"]
        #expect(built.mayHaveUnderscoreKeys)
        #expect(FHIRObject(members: [.init(key: "_x", value: 1)]).mayHaveUnderscoreKeys)
        // Not part of equality.
        #expect(FHIRObject(members: [], mayHaveUnderscoreKeys: true) == FHIRObject())
    }
}

/// A JSON array of resources is handed out item by item (`readArrayStreamingItems`), with `read`'s errors.
@Suite struct ArrayStreamingTests {
    @Test func itemsComeOutInOrderAndEqualTheWholeRead() throws {
        let text = #" [ {"resourceType":"Patient","id":"a"}, {"resourceType":"Patient","id":"b","_id":{"id":"x"}} ] "#
        var items: [FHIRElement] = []
        let wasArray = try Array(text.utf8).withUnsafeBytes { try FHIRJSONReader().readArrayStreamingItems($0) { items.append($0) } }
        #expect(wasArray)
        #expect(FHIRElement.array(items) == (try FHIRJSONReader().read(text)))
    }

    @Test func notAnArrayIsLeftToRead() throws {
        let wasArray = try Array(#"{"resourceType":"Patient"}"#.utf8).withUnsafeBytes {
            try FHIRJSONReader().readArrayStreamingItems($0) { _ in Issue.record("no item expected") }
        }
        #expect(!wasArray)
    }

    @Test func aMalformedItemFailsWithItsPositionAfterTheGoodOnes() throws {
        let text = "[{\"resourceType\":\"Patient\"},\n{\"resourceType\":\"Patient\",}]"
        var delivered = 0
        do {
            _ = try Array(text.utf8).withUnsafeBytes {
                try FHIRJSONReader(options: .init(source: "a.json")).readArrayStreamingItems($0) { _ in delivered += 1 }
            }
            Issue.record("read without error")
        } catch let error as FHIRJSONError {
            #expect(delivered == 1)
            #expect(error.line == 2 && error.source == "a.json", "\(error)")
        }
        do {
            _ = try Array("[1] x".utf8).withUnsafeBytes { try FHIRJSONReader().readArrayStreamingItems($0) { _ in } }
            Issue.record("trailing content accepted")
        } catch let error as FHIRJSONError {
            #expect(error.reason == .trailingContent)
        }
    }
}
