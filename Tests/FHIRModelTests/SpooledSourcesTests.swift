#if canImport(Glibc)
import Glibc
#endif
@testable import FHIRModel
import Testing
import TestSupport

/// Lines spooled as references to their files (`ByteSpool+Sources.swift`) read back exactly as their copied texts
/// do, however they are read; a file changed in place under a run is refused with its path (synthetic files).
@Suite struct SpooledSourcesTests {
    /// NDJSON of every shape a spool meets: plain lines, a byte order mark, `\r\n`, blank lines, an escaped key
    /// (kept unindexed, so copied), a line over 64 KiB (too long to index, copied), varied sizes.
    static func lines(_ count: Int) -> [String] {
        (0..<count).map { index in
            switch index % 11 {
            case 3: return #"{"resourceType":"Basic","i\u0064":"e\#(index)","n":\#(index)}"#
            case 7 where index % 77 == 7:
                return #"{"resourceType":"Basic","id":"long\#(index)","text":""# + String(repeating: "x", count: 70_000) + #""}"#
            default:
                let padding = String(repeating: "p", count: (index * 37) % 900)
                return #"{"resourceType":"Observation","id":"o\#(index)","meta":{"versionId":"\#(index % 5)"},"status":"final","note":[{"text":"\#(padding)"}],"valueInteger":\#(index)}"#
            }
        }
    }

    static func file(_ lines: [String]) -> String {
        var text = "\u{FEFF}"
        for (index, line) in lines.enumerated() {
            text += line + (index % 13 == 5 ? "\r\n" : "\n")
            if index % 17 == 0 { text += "\n  \n" }
        }
        return text
    }

    /// Every read a stage makes of a spool, as bytes and trees, for comparing two spools document by document.
    func reads(_ spool: ByteSpool, _ spans: [ByteSpool.Span]) throws -> [[UInt8]] {
        let keys = FHIRJSONKeyFilter(keys: ["id", "status"])
        var seen: [[UInt8]] = []
        try spool.forEachBytes(of: spans) { index, bytes in seen.append([UInt8(index & 0xFF)] + Array(bytes)) }
        seen += try spans.map { span in try spool.withBytes(of: span) { Array($0) } }
        seen += try spool.elements(at: spans, keys: keys).map { FHIRJSONWriter().write($0) }
        seen += try spool.elements(at: spans, keys: nil).map { FHIRJSONWriter().write($0) }
        seen += try spool.partlyParsedElements(at: spans, keys: keys).map { tree, unparsed in
            FHIRJSONWriter().write(tree) + unparsed.bytes + Array(unparsed.members.map(\.key).joined(separator: ",").utf8)
        }
        seen += try spool.documentsWrittenBack(at: spans, replacing: "meta") { _, value in Array(value) + [0x20] }.map { $0 ?? [0] }
        return seen
    }

    @Test func referencesReadBackAsTheCopiedTexts() throws {
        let directory = try TemporaryDirectory()
        let paths = [
            try directory.file("Observation.ndjson", Self.file(Self.lines(600))),
            try directory.file("Small.ndjson", Self.file(Array(Self.lines(20).suffix(5)))),
            // NDJSON by its content, not its name: copied.
            try directory.file("lines.txt", Self.file(Array(Self.lines(12).suffix(4)))),
            try directory.file("one.json", #"{"resourceType":"Basic","id":"doc"}"#),
        ]
        for pieceSize in [4096, FHIRResourceFiles.pieceSize] {
            let copied = try ByteSpool()
            let referring = try ByteSpool()
            let plain = Array(try FHIRResourceFiles.spool(paths: paths, options: .init(), into: copied, pieceSize: pieceSize, referringToFiles: false).joined())
            let sourced = Array(try FHIRResourceFiles.spool(paths: paths, options: .init(), into: referring, pieceSize: pieceSize).joined())
            #expect(sourced.map(\.key) == plain.map(\.key))
            #expect(sourced.map(\.versionId) == plain.map(\.versionId))
            #expect(sourced.count == 610)
            // References were made: the referring spool holds a fraction of the text (of the lines it can index).
            let indexed = plain.indices.filter { !plain[$0].key.id.hasPrefix("long") && !plain[$0].key.id.hasPrefix("e") }
            let held = indexed.reduce(0) { $0 + sourced[$1].span.length }
            let texts = indexed.reduce(0) { $0 + plain[$1].span.length }
            #expect(held * 4 < texts, "pieces of \(pieceSize)")
            // Unflushed and flushed, in runs, in the order given and in another.
            #expect(try reads(referring, sourced.map(\.span)) == (try reads(copied, plain.map(\.span))), "pieces of \(pieceSize)")
            try referring.flush()
            try copied.flush()
            #expect(try reads(referring, sourced.map(\.span)) == (try reads(copied, plain.map(\.span))), "pieces of \(pieceSize)")
            let shuffled = (0..<sourced.count).map { ($0 * 7919) % sourced.count }
            #expect(try reads(referring, shuffled.map { sourced[$0].span }) == (try reads(copied, shuffled.map { plain[$0].span })))
            // And the trees are the file's.
            let trees = Array(try FHIRResourceFiles.read(paths: paths, options: .init()).joined())
            #expect(try referring.elements(at: sourced.map(\.span), keys: nil) == trees)
        }
    }

    @Test func aFileChangedInPlaceIsRefusedWithItsPath() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("Observation.ndjson", Self.file(Self.lines(200)))
        let spool = try ByteSpool()
        let spooled = Array(try FHIRResourceFiles.spool(paths: [path], options: .init(), into: spool).joined())
        try spool.flush()
        _ = try spool.elements(at: spooled.map(\.span), keys: nil)
        // Rewritten in place, one byte longer.
        let fd = open(path, O_WRONLY | O_APPEND)
        #expect(fd >= 0)
        _ = [UInt8(ascii: "\n")].withUnsafeBytes { write(fd, $0.baseAddress, 1) }
        close(fd)
        let error = #expect(throws: FileIOError.self) { _ = try spool.elements(at: spooled.map(\.span), keys: nil) }
        #expect(error?.path == path)
        #expect(error?.description.contains("changed while immport-bridge was reading it") == true)
    }

    @Test func aFileReplacedWhileSpooledIsReadAsItWas() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("Observation.ndjson", Self.file(Self.lines(200)))
        let trees = Array(try FHIRResourceFiles.read(paths: [path], options: .init()).joined())
        let spool = try ByteSpool()
        let spooled = Array(try FHIRResourceFiles.spool(paths: [path], options: .init(), into: spool).joined())
        let other = try directory.file("other.ndjson", Self.file(Array(Self.lines(400).reversed())))
        #expect(rename(other, path) == 0)
        #expect(try spool.elements(at: spooled.map(\.span), keys: nil) == trees)
    }

    /// A file replaced after the spool opened it, before a reader asks for it: the reader read the new file, which
    /// the spool does not hold, so it is told to copy; the file the spool holds is still the one it opened.
    @Test func aReaderOfAReplacedFileIsToldToCopy() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("a.ndjson", Self.file(Self.lines(5)))
        let spool = try ByteSpool()
        #expect(spool.source(path: path) == nil)  // never opened
        spool.openSource(path: path)
        let opened = try #require(spool.source(path: path))
        #expect(rename(try directory.file("b.ndjson", Self.file(Self.lines(9))), path) == 0)
        #expect(spool.source(path: path) == nil)
        #expect(try spool.readSource(opened.index, offset: 3, length: 13) == Array(Array(Self.file(Self.lines(5)).utf8)[3..<16]))
    }

    /// Past the number of files a spool holds open, lines are copied: a directory of many files reads back whole.
    @Test func filesPastTheLimitAreCopied() throws {
        let directory = try TemporaryDirectory()
        let paths = try (0..<(ByteSpool.sourceFileLimit + 6)).map { try directory.file("\($0).ndjson", Self.file(Array(Self.lines(12 + $0)))) }
        let spool = try ByteSpool()
        let spooled = try FHIRResourceFiles.spool(paths: paths, options: .init(), into: spool, workers: 2)
        let trees = try FHIRResourceFiles.read(paths: paths, options: .init())
        #expect(try spooled.map { try spool.elements(at: $0.map(\.span), keys: nil) } == trees)
        #expect(spool.sources.withLock { $0.files.count } == ByteSpool.sourceFileLimit)
    }
}
