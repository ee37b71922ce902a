import FHIRModel
import Foundation
@testable import ImmPortAPI
import Testing
import TestSupport

/// The splitter fed block by block (any block size, down to one byte) finds what it finds in the whole buffer:
/// the same items and the same refusals, wherever a string, an escape, a nesting or an item is cut.
@Suite struct JSONArraySplitterTests {
    /// Arrays whose items hold what a cut can go wrong on.
    static let wellFormed: [String] = [
        "[]",
        " \n[ \t]\r\n",
        "[1]",
        #"[ 1 , "two" ,{"three":3}, [4,[5]] ,null,true,false, -6.5e3 ]"#,
        #"["a \"quoted\" word", "ends in a backslash \\", "\\\"", "\\\\"]"#,
        #"["brackets ] and [ braces } { and , commas", {"k":"],},{[,"}, ["[\"]"]]"#,
        "[\n  {\"a\": [ {\"b\": [[], {}]}, \"x\" ]}  ,\n  {\"c\": {\"d\": {\"e\": []}}}\n]\n",
        #"["é 漢字 🙂", {"名前":"Ünïcödé ✓"}, "\u00e9\ud83d\ude42"]"#,
        "\u{FEFF}[1,2]",  // a byte order mark, as the JSON reader skips one
        #"[{"tags":["a",{"b":null}],"text":"line\nbreak \u00e9","n":63.00}, {"empty":""}, "", {}]"#,
        // Spacing inside strings (not the item's end, wherever a block cuts), numbers and literals before spacing.
        "[\"ends in spaces   \" ,\"  \" ,{\"k\" : \"v  \"}\t, 12 \n, true   ,\"\\\\  \"  ]",
    ]

    /// Not well-formed arrays, each refused (its items may themselves be junk: the JSON reader judges those).
    static let malformed: [String] = [
        "", "   ", "\u{FEFF}", "\u{FEFF}  ", "{\"a\":1}", "1", "\"text\"", "x[1]",
        "[", "[ ", "[1", "[1,", "[1, ", "[\"abc", "[\"ab\\", "[\"ab\\\"]", "[{\"a\":[1,2]", "[[1]",
        "[1] x", "[1]]", "[] []", "[1],",
        "[1,]", "[,1]", "[ , ]", "[}", "[1}", "[1 }",
    ]

    static func whole(_ text: String) -> Result<[Range<Int>], JSONArraySplitter.Malformed> {
        Result { () throws(JSONArraySplitter.Malformed) in try JSONArraySplitter.itemRanges(Array(text.utf8)) }
    }

    static func inBlocks(_ text: String, blockSize: Int, scansBlocks: Bool = true) -> Result<[Range<Int>], JSONArraySplitter.Malformed> {
        let bytes = Array(text.utf8)
        var splitter = JSONArraySplitter(scansBlocks: scansBlocks)
        var ranges: [Range<Int>] = []
        return Result { () throws(JSONArraySplitter.Malformed) in
            var start = 0
            while start < bytes.count {
                let end = min(start + blockSize, bytes.count)
                // Each block on its own buffer, as a file's blocks come.
                let block = Array(bytes[start..<end])
                let failure = block.withUnsafeBytes { buffer -> JSONArraySplitter.Malformed? in
                    do throws(JSONArraySplitter.Malformed) { try splitter.feed(buffer, into: &ranges) } catch { return error }
                    return nil
                }
                if let failure { throw failure }
                start = end
            }
            try splitter.finish()
            return ranges
        }
    }

    static func describe(_ result: Result<[Range<Int>], JSONArraySplitter.Malformed>) -> String {
        switch result {
        case .success(let ranges): return "items \(ranges)"
        case .failure(let error): return "refused at \(error.offset): \(error.reason)"
        }
    }

    static func items(_ text: String) throws -> [String] {
        let bytes = Array(text.utf8)
        return try JSONArraySplitter.itemRanges(bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// The eight-bytes-at-a-time search for a string's end finds what a byte-by-byte one finds, from every start, in
    /// buffers of bytes next to the two it looks for (borrows between bytes are where such a search goes wrong).
    @Test func theWordSearchFindsWhatTheByteSearchFinds() {
        let alphabet: [UInt8] = [0x22, 0x5C, 0x21, 0x23, 0x5B, 0x5D, 0x00, 0x01, 0x7F, 0x80, 0xA2, 0xDC, 0xFF, 0x61, 0x20]
        var state: UInt64 = 0x2026_1206
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 40, 100] {
            for _ in 0..<50 {
                let bytes = (0..<length).map { _ -> UInt8 in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    // Mostly plain text, so that the looked-for bytes are sometimes far apart.
                    let pick = Int(state >> 33) % (alphabet.count * 3)
                    return pick < alphabet.count ? alphabet[pick] : 0x61
                }
                bytes.withUnsafeBytes { buffer in
                    for start in 0...length {
                        var plain = start
                        while plain < length, bytes[plain] != 0x22, bytes[plain] != 0x5C { plain += 1 }
                        #expect(JSONArraySplitter.nextQuoteOrBackslash(buffer, from: start) == plain, "\(bytes) from \(start)")
                    }
                }
            }
        }
    }

    @Test func theWholeBufferFindsEachItemsExactText() throws {
        #expect(try Self.items("[]") == [])
        #expect(try Self.items(Self.wellFormed[3]) == ["1", #""two""#, #"{"three":3}"#, "[4,[5]]", "null", "true", "false", "-6.5e3"])
        #expect(try Self.items(Self.wellFormed[4]) == [#""a \"quoted\" word""#, #""ends in a backslash \\""#, #""\\\"""#, #""\\\\""#])
        #expect(try Self.items(Self.wellFormed[5]) == [#""brackets ] and [ braces } { and , commas""#, #"{"k":"],},{[,"}"#, #"["[\"]"]"#])
        #expect(try Self.items(Self.wellFormed[7]).first == "\"é 漢字 🙂\"")
        #expect(try Self.items(Self.wellFormed[10]) == [#""ends in spaces   ""#, #""  ""#, #"{"k" : "v  "}"#, "12", "true", #""\\  ""#])
        // Every item of every well-formed input parses on its own.
        for text in Self.wellFormed {
            for item in try Self.items(text) { _ = try FHIRJSONReader().read(Array(item.utf8)) }
        }
    }

    @Test func malformedArraysAreRefusedWhereTheFaultIs() {
        func refusal(_ text: String) -> (Int, String)? {
            guard case .failure(let error) = Self.whole(text) else { return nil }
            return (error.offset, error.reason)
        }
        #expect(refusal("[1, 2") ?? (0, "") == (5, "unexpected end of input inside the array (truncated?)"))
        #expect(refusal("[\"ab\\") ?? (0, "") == (5, "unexpected end of input inside the array (truncated?)"))
        #expect(refusal("[1]  x") ?? (0, "") == (3, "content after the array"))
        #expect(refusal("  {\"a\":1}") ?? (0, "") == (2, "expected a JSON array"))
        #expect(refusal("") ?? (1, "") == (0, "expected a JSON array"))
        #expect(refusal("[1,]") ?? (0, "") == (3, "empty array item"))
        #expect(refusal("[1}") ?? (0, "") == (2, "expected ',' or ']'"))
        for text in Self.malformed { #expect(refusal(text) != nil, "\(text)") }
    }

    @Test(arguments: wellFormed + malformed)
    func everyBlockSizeGivesTheWholeBuffersAnswer(_ text: String) {
        let expected = Self.describe(Self.whole(text))
        for blockSize in 1...(text.utf8.count + 1) {
            #expect(Self.describe(Self.inBlocks(text, blockSize: blockSize)) == expected, "block size \(blockSize)")
        }
    }

    /// The scan 64 bytes at a time (`json_structure_scan_item`) gives the byte-by-byte scan's answer: on generated
    /// arrays (SYNTHETIC) of values long enough to fill blocks, with strings that hold brackets, braces, commas,
    /// quotes and escapes (a block with a backslash goes byte by byte), nesting across blocks' edges, and damaged
    /// and truncated copies of them; whole, and fed in blocks of many sizes.
    @Test func theBlockScanGivesTheByteScansAnswer() {
        var state: UInt64 = 20261207
        func random(_ bound: Int) -> Int {
            // SplitMix64, seeded: the same arrays every run.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        let stringPieces = ["a", "word", " ", ",", "[", "]", "{", "}", ":", "\\\"", "\\\\", "\\n", "é", "x,y]", "{\\\"k\\\":[1]}"]
        func string() -> String { "\"" + (0..<random(12)).map { _ in stringPieces[random(stringPieces.count)] }.joined() + "\"" }
        func value(_ depth: Int) -> String {
            switch depth >= 3 ? random(4) : random(7) {
            case 0: return string()
            case 1: return String(random(100_000)) + (random(2) == 0 ? ".5e3" : "")
            case 2: return ["null", "true", "false"][random(3)]
            case 3: return string() + String(repeating: " ", count: random(3))
            case 4, 5: return "{" + (0..<random(8)).map { _ in string() + ":" + value(depth + 1) }.joined(separator: ",") + "}"
            default: return "[" + (0..<random(6)).map { _ in value(depth + 1) }.joined(separator: " , ") + "]"
            }
        }
        let damage = ["{", "}", "[", "]", ",", "\"", "\\", " "]
        var compared = 0
        for round in 0..<300 {
            var text = "[" + (0..<(1 + random(30))).map { _ in value(0) }.joined(separator: ",\n") + "]"
            if round % 3 == 1 {
                var bytes = Array(text.utf8)
                bytes[random(bytes.count)] = Array(damage[random(damage.count)].utf8)[0]
                text = String(decoding: bytes, as: UTF8.self)
            } else if round % 3 == 2 {
                text = String(decoding: Array(text.utf8).prefix(random(text.utf8.count)), as: UTF8.self)
            }
            let count = text.utf8.count
            let plain = Self.describe(Self.inBlocks(text, blockSize: count + 1, scansBlocks: false))
            for blockSize in [count + 1, 1, 7, 63, 64, 65, 200] {
                #expect(Self.describe(Self.inBlocks(text, blockSize: blockSize)) == plain, "round \(round), block size \(blockSize): \(text)")
                compared += 1
            }
        }
        #expect(compared == 2100)
    }

    /// A file read in blocks: each item's exact bytes, in order, however the blocks cut them; a malformed file is
    /// refused as the whole buffer is.
    @Test func aFileReadInBlocksGivesTheWholeBuffersItems() throws {
        let temporary = try TemporaryDirectory()
        let large = "[\n" + (0..<200).map { #"{"id":"r\#($0)","text":"\#(String(repeating: "é,]\\\"", count: $0 % 9))"}"# }.joined(separator: ",\n") + "\n]\n"
        // Long runs of spacing between items (passed over while no item completes) and an item longer than blocks.
        let spaced = "[" + String(repeating: " ", count: 3000) + #"{"a":1}"# + String(repeating: "\n", count: 2000) + ","
            + #"{"b":""# + String(repeating: "x", count: 5000) + #""}"# + String(repeating: " ", count: 100) + "]"
        for (index, text) in (Self.wellFormed + Self.malformed + [large, spaced]).enumerated() {
            let path = temporary.path + "/answer\(index).json"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let bytes = Array(text.utf8)
            let expected = Self.describe(Self.whole(text))
            let expectedItems = (try? JSONArraySplitter.itemRanges(bytes))?.map { Array(bytes[$0]) }
            for blockSize in [1, 2, 3, 7, 64, 1 << 20] {
                var items: [[UInt8]] = []
                var outcome = "items"
                do {
                    try JSONArrayFileReader.forEachBatch(path: path, blockSize: blockSize) { buffer, ranges in
                        items += ranges.map { Array(buffer[$0]) }
                    }
                } catch let error as JSONArraySplitter.Malformed {
                    outcome = "refused at \(error.offset): \(error.reason)"
                }
                if let expectedItems {
                    #expect(outcome == "items" && items == expectedItems, "\(index) block size \(blockSize)")
                } else {
                    #expect(outcome == expected, "\(index) block size \(blockSize)")
                }
            }
        }
        #expect(throws: FileIOError.self) { try JSONArrayFileReader.forEachBatch(path: temporary.path + "/missing.json") { _, _ in } }
        // What a batch throws stops the reading and is what the reader throws (the next block is being read meanwhile).
        struct Stop: Error {}
        var batches = 0
        #expect(throws: Stop.self) {
            try JSONArrayFileReader.forEachBatch(path: temporary.path + "/answer\(Self.wellFormed.count + Self.malformed.count).json", blockSize: 64) { _, _ in
                batches += 1
                if batches == 3 { throw Stop() }
            }
        }
        #expect(batches == 3)
    }
}
