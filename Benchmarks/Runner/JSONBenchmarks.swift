#if canImport(Glibc)
import Glibc
#endif
import FHIRModel

/// Parse, write, round-trip and streaming-memory figures of the FHIR JSON reader and writer.
enum JSONBenchmarks: BenchmarkFamily {
    static var commands: [BenchmarkCommand] {
        [
        BenchmarkCommand(
            name: "json-parse", usage: "FILE [--whole] [--keys K,K...] [--runs N]",
            summary: "Parse every line of an NDJSON file (or the whole file with --whole or a non-.ndjson name) from memory; MB/s of input. --keys builds only those top-level members (the others checked and skipped), as a reconcile reads.",
            run: parse),
        BenchmarkCommand(
            name: "json-write", usage: "FILE [--whole] [--runs N]",
            summary: "Write compact JSON of every document of FILE (parsed beforehand, untimed); MB/s of output.",
            run: write),
        BenchmarkCommand(
            name: "json-roundtrip", usage: "FILE [--whole] [--runs N]",
            summary: "Parse and write back compact; fails (exit 1) at the first line that is not byte-identical, naming it.",
            run: roundTrip),
        BenchmarkCommand(
            name: "json-stream", usage: "FILE",
            summary: "Stream an NDJSON file through NDJSONReader from disk; MB/s and the process's peak RSS (VmHWM).",
            run: stream),
    ]
    }

    /// A file held in memory with the byte ranges of its documents.
    struct Documents {
        var path: String
        var bytes: [UInt8]
        var ranges: [Range<Int>]

        init(path: String, whole: Bool) throws {
            self.path = path
            bytes = try FileBytes.read(path: path)
            if whole || !path.hasSuffix(".ndjson") {
                ranges = [0..<bytes.count]
                return
            }
            var found: [Range<Int>] = []
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                var start = 0
                while start < buffer.count {
                    var next = buffer.count
                    if let newline = memchr(base + start, 0x0A, buffer.count - start) {
                        next = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(newline))
                    }
                    var end = next
                    if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                    if end > start { found.append(start..<end) }
                    start = next + 1
                }
            }
            ranges = found
        }

        func withDocument<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[ranges[index]])) }
        }

        /// The 1-based line of document `index` (the whole file is line 1).
        func line(of index: Int) -> Int {
            guard ranges.count > 1 else { return 1 }
            var line = 1
            for i in 0..<ranges[index].lowerBound where bytes[i] == 0x0A { line += 1 }
            return line
        }
    }

    static func load(_ arguments: inout BenchmarkArguments) throws -> Documents {
        let path = try arguments.file()
        return try Documents(path: path, whole: arguments.flag("whole"))
    }

    static func parse(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        let documents = try load(&arguments)
        let runs = try arguments.runs()
        let keyList = arguments.string("keys")
        let keys = keyList.map { FHIRJSONKeyFilter(keys: Set($0.split(separator: ",").map(String.init))) }
        var m = Measurement(name: keyList.map { "json-parse --keys \($0)" } ?? "json-parse", file: documents.path)
        m.bytes = documents.bytes.count
        m.documents = documents.ranges.count
        let reader = FHIRJSONReader(options: .init(topLevelKeys: keys))
        m.record(try documents.bytes.withUnsafeBytes { all in
            try Stopwatch.times(runs: runs) {
                for range in documents.ranges {
                    blackHole(try reader.read(UnsafeRawBufferPointer(rebasing: all[range])))
                }
            }
        })
        return [m]
    }

    static func write(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        let documents = try load(&arguments)
        let runs = try arguments.runs()
        let reader = FHIRJSONReader()
        let trees = try (0..<documents.ranges.count).map { i in try documents.withDocument(i) { try reader.read($0) } }
        let writer = FHIRJSONWriter()
        var m = Measurement(name: "json-write", file: documents.path)
        m.documents = trees.count
        // Output goes to a buffer flushed (emptied) every MiB, as AtomicFileWriter does, so memory does not grow.
        var buffer: [UInt8] = []
        buffer.reserveCapacity((1 << 20) + (1 << 16))
        var written = 0
        m.record(Stopwatch.times(runs: runs) {
            written = 0
            for tree in trees {
                writer.write(tree, into: &buffer)
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 {
                    written += buffer.count
                    blackHole(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            written += buffer.count
            buffer.removeAll(keepingCapacity: true)
        })
        m.bytes = written
        return [m]
    }

    static func roundTrip(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        let documents = try load(&arguments)
        let runs = try arguments.runs()
        let reader = FHIRJSONReader()
        let writer = FHIRJSONWriter()
        var m = Measurement(name: "json-roundtrip", file: documents.path)
        m.bytes = documents.bytes.count
        m.documents = documents.ranges.count
        var mismatches = 0
        var firstMismatch: (index: Int, offset: Int, expected: [UInt8], actual: [UInt8])?
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        m.record(try documents.bytes.withUnsafeBytes { all in
            try Stopwatch.times(runs: runs) {
                mismatches = 0
                for (index, range) in documents.ranges.enumerated() {
                    let original = UnsafeRawBufferPointer(rebasing: all[range])
                    buffer.removeAll(keepingCapacity: true)
                    writer.write(try reader.read(original), into: &buffer)
                    let same = buffer.withUnsafeBytes { $0.elementsEqual(original) }
                    if !same {
                        mismatches += 1
                        if firstMismatch == nil {
                            let offset = firstDifference(buffer, Array(original))
                            firstMismatch = (index, offset, Array(original), buffer)
                        }
                    }
                }
            }
        })
        m.notes.append(("mismatched documents", String(mismatches)))
        if let first = firstMismatch {
            m.failed = true
            let line = documents.line(of: first.index)
            m.notes.append(("first mismatch", "\(documents.path):\(line):\(first.offset + 1)"))
            m.notes.append(("expected", snippet(first.expected, around: first.offset)))
            m.notes.append(("actual", snippet(first.actual, around: first.offset)))
        }
        return [m]
    }

    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0
        while i < a.count, i < b.count, a[i] == b[i] { i += 1 }
        return i
    }

    static func snippet(_ bytes: [UInt8], around offset: Int) -> String {
        let start = max(0, offset - 40)
        let end = min(bytes.count, offset + 40)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    static func stream(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        let path = try arguments.file()
        var m = Measurement(name: "json-stream", file: path)
        let rssBefore = ProcessMemory.currentRSSBytes()
        var reader = try NDJSONReader(path: path)
        var count = 0
        m.record(try Stopwatch.times(runs: 1) {
            try reader.forEach { element in
                count += 1
                blackHole(element)
            }
        })
        m.documents = count
        var info = stat()
        if stat(path, &info) == 0 { m.bytes = Int(info.st_size) }
        m.peakRSSBytes = ProcessMemory.peakRSSBytes()
        if let rssBefore { m.notes.append(("RSS before", "\(Format.fixed(Double(rssBefore) / 1e6, 1)) MB")) }
        return [m]
    }
}
