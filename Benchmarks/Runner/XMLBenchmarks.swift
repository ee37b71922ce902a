#if canImport(Glibc)
import Glibc
#endif
import FHIRModel

/// FHIR XML: JSON -> XML and XML -> JSON throughput on the synthetic NDJSON, and the memory of streaming a Bundle.
enum XMLBenchmarks: BenchmarkFamily {
    static var commands: [BenchmarkCommand] {
        [
        BenchmarkCommand(
            name: "xml-write", usage: "FILE [--fhir-version r4|r5] [--limit N] [--runs N] [--pretty] [--out OUT.xml]",
            summary: "JSON -> XML of every document (JSON parse + XML write, compact XML unless --pretty); MB/s of JSON input. Also tree -> XML alone. --out keeps the XML of every document, one after the other, to compare output across changes.",
            run: write),
        BenchmarkCommand(
            name: "xml-read", usage: "FILE [--fhir-version r4|r5] [--limit N] [--runs N] [--out OUT.ndjson]",
            summary: "XML -> JSON of every document (its XML made beforehand, untimed); MB/s of XML input. Also XML -> tree alone. --out keeps the JSON, one document a line.",
            run: read),
        BenchmarkCommand(
            name: "xml-make-bundle", usage: "FILE --out BUNDLE.xml [--copies K] [--fhir-version r4|r5]",
            summary: "Write the documents of FILE (K times over) as one searchset Bundle in XML, streaming; for xml-stream.",
            run: makeBundle),
        BenchmarkCommand(
            name: "xml-stream", usage: "BUNDLE.xml --out OUT.json [--fhir-version r4|r5]",
            summary: "Convert a Bundle XML file to JSON streaming entry by entry; MB/s of XML and the process's peak RSS.",
            run: stream),
    ]
    }

    static func version(_ arguments: inout BenchmarkArguments) throws -> FHIRVersion {
        let text = arguments.string("fhir-version") ?? "r4"
        guard let version = FHIRVersion(rawValue: text.lowercased()) else {
            throw BenchmarkFailure(message: "--fhir-version must be r4 or r5, not '\(text)'")
        }
        return version
    }

    static func documents(_ arguments: inout BenchmarkArguments) throws -> JSONBenchmarks.Documents {
        var documents = try JSONBenchmarks.load(&arguments)
        let limit = try arguments.int("limit", default: 0)
        if limit > 0, documents.ranges.count > limit { documents.ranges.removeSubrange(limit...) }
        return documents
    }

    static func write(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        let version = try version(&arguments)
        let documents = try documents(&arguments)
        let runs = try arguments.runs()
        let out = arguments.string("out")
        let reader = FHIRJSONReader()
        let writer = FHIRXMLWriter(version: version, pretty: arguments.flag("pretty"))
        var convert = Measurement(name: "xml-write (JSON -> XML)", file: documents.path)
        convert.documents = documents.ranges.count
        convert.bytes = documents.ranges.reduce(0) { $0 + $1.count }
        var xmlBytes = 0
        convert.record(try documents.bytes.withUnsafeBytes { all in
            try Stopwatch.times(runs: runs) {
                xmlBytes = 0
                for range in documents.ranges {
                    let xml = try writer.write(try reader.read(UnsafeRawBufferPointer(rebasing: all[range])))
                    xmlBytes += xml.count
                    blackHole(xml)
                }
            }
        })
        convert.notes.append(("XML out", "\(Format.fixed(Double(xmlBytes) / 1e6, 1)) MB"))
        let trees = try (0..<documents.ranges.count).map { i in try documents.withDocument(i) { try reader.read($0) } }
        var treeOnly = Measurement(name: "xml-write (tree -> XML)", file: documents.path)
        treeOnly.documents = trees.count
        treeOnly.bytes = convert.bytes
        treeOnly.record(try Stopwatch.times(runs: runs) {
            for tree in trees { blackHole(try writer.write(tree)) }
        })
        treeOnly.notes.append(("MB/s of", "JSON input size"))
        if let out {
            // Untimed, after the runs: every document's XML, one after the other.
            let output = try AtomicFileWriter(path: out)
            for tree in trees {
                let xml = try writer.write(tree)
                try output.append { $0.append(contentsOf: xml) }
            }
            try output.commit()
        }
        return [convert, treeOnly]
    }

    static func read(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        let version = try version(&arguments)
        let documents = try documents(&arguments)
        let runs = try arguments.runs()
        let jsonReader = FHIRJSONReader()
        let xmlWriter = FHIRXMLWriter(version: version, pretty: false)
        let xmls = try (0..<documents.ranges.count).map { i in
            try documents.withDocument(i) { try xmlWriter.write(try jsonReader.read($0)) }
        }
        let xmlReader = FHIRXMLReader(version: version)
        let jsonWriter = FHIRJSONWriter()
        let total = xmls.reduce(0) { $0 + $1.count }
        var convert = Measurement(name: "xml-read (XML -> JSON)", file: documents.path)
        convert.documents = xmls.count
        convert.bytes = total
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        convert.record(try Stopwatch.times(runs: runs) {
            for xml in xmls {
                out.removeAll(keepingCapacity: true)
                jsonWriter.write(try xmlReader.read(xml), into: &out)
                blackHole(out)
            }
        })
        var parse = Measurement(name: "xml-read (XML -> tree)", file: documents.path)
        parse.documents = xmls.count
        parse.bytes = total
        parse.record(try Stopwatch.times(runs: runs) {
            for xml in xmls { blackHole(try xmlReader.read(xml)) }
        })
        if let path = arguments.string("out") {
            // Untimed, after the runs: the JSON of every document, one a line.
            let output = try AtomicFileWriter(path: path)
            for xml in xmls {
                let json = jsonWriter.write(try xmlReader.read(xml))
                try output.append { $0.append(contentsOf: json); $0.append(0x0A) }
            }
            try output.commit()
        }
        return [convert, parse]
    }

    static func makeBundle(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        let version = try version(&arguments)
        let documents = try JSONBenchmarks.load(&arguments)
        guard let out = arguments.string("out") else { throw BenchmarkFailure(message: "missing --out BUNDLE.xml") }
        let copies = max(1, try arguments.int("copies", default: 1))
        let reader = FHIRJSONReader()
        let output = try AtomicFileWriter(path: out)
        let header: FHIRElement = ["resourceType": "Bundle", "type": "searchset"]
        var count = 0
        let start = Stopwatch.now()
        try documents.bytes.withUnsafeBytes { all in
            try FHIRXMLWriter(version: version, pretty: true).writeBundle(header: header, to: output) { emit in
                for copy in 0..<copies {
                    for range in documents.ranges {
                        let resource = try reader.read(UnsafeRawBufferPointer(rebasing: all[range]))
                        count += 1
                        try emit(["fullUrl": .string("urn:uuid:\(copy)-\(count)"), "resource": resource])
                    }
                }
            }
        }
        try output.commit()
        var m = Measurement(name: "xml-make-bundle", file: out)
        m.runSeconds = [Stopwatch.now() - start]
        m.documents = count
        var info = stat()
        if stat(out, &info) == 0 { m.bytes = Int(info.st_size) }
        m.peakRSSBytes = ProcessMemory.peakRSSBytes()
        return [m]
    }

    static func stream(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        let version = try version(&arguments)
        let path = try arguments.file("BUNDLE.xml")
        guard let out = arguments.string("out") else { throw BenchmarkFailure(message: "missing --out OUT.json") }
        let rssBefore = ProcessMemory.currentRSSBytes()
        let output = try AtomicFileWriter(path: out)
        let start = Stopwatch.now()
        try FHIRXMLConverter.xmlToJSON(inputPath: path, output: output, version: version)
        try output.commit()
        var m = Measurement(name: "xml-stream (Bundle XML -> JSON)", file: path)
        m.runSeconds = [Stopwatch.now() - start]
        var info = stat()
        if stat(path, &info) == 0 { m.bytes = Int(info.st_size) }
        m.peakRSSBytes = ProcessMemory.peakRSSBytes()
        if let rssBefore { m.notes.append(("RSS before", "\(Format.fixed(Double(rssBefore) / 1e6, 1)) MB")) }
        if stat(out, &info) == 0 { m.notes.append(("JSON out", "\(Format.fixed(Double(info.st_size) / 1e6, 1)) MB")) }
        return [m]
    }
}
