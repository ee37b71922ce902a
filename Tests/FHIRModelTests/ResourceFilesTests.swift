import FHIRModel
import Testing
import TestSupport

/// Reading many files on several workers gives what reading them one by one gives (synthetic files).
@Suite struct ResourceFilesTests {
    /// 200 files: one-resource JSON, NDJSON with three lines, an array, so that workers interleave.
    func writeFiles(in directory: TemporaryDirectory) throws -> [String] {
        var paths: [String] = []
        for index in 0..<200 {
            switch index % 3 {
            case 0:
                paths.append(try directory.file("\(index).json", #"{"resourceType":"Patient","id":"p\#(index)"}"#))
            case 1:
                let lines = (0..<3).map { #"{"resourceType":"Observation","id":"o\#(index)-\#($0)","status":"final"}"# }
                paths.append(try directory.file("\(index).ndjson", lines.joined(separator: "\n") + "\n"))
            default:
                paths.append(try directory.file("\(index).json", #"[{"resourceType":"Group","id":"g\#(index)"},{"resourceType":"Group","id":"h\#(index)"}]"#))
            }
        }
        return paths
    }

    func ids(_ files: [[FHIRElement]]) -> [[String]] {
        files.map { $0.map { $0["id"]?.stringValue ?? "?" } }
    }

    @Test func severalWorkersGiveTheSequentialAnswerInFileOrder() throws {
        let directory = try TemporaryDirectory()
        let paths = try writeFiles(in: directory)
        let sequential = try FHIRResourceFiles.read(paths: paths, options: .init(), workers: 1)
        let parallel = try FHIRResourceFiles.read(paths: paths, options: .init(), workers: 4)
        #expect(ids(parallel) == ids(sequential))
        #expect(parallel.count == 200)
        #expect(ids(parallel)[1] == ["o1-0", "o1-1", "o1-2"])
        #expect(parallel.map { $0.map(FHIRJSONWriter().string) } == sequential.map { $0.map(FHIRJSONWriter().string) })
    }

    @Test func theFirstBadFileInOrderIsTheErrorWhateverWorkerMetItFirst() throws {
        let directory = try TemporaryDirectory()
        var paths = try writeFiles(in: directory)
        paths.insert(try directory.file("bad-early.json", #"{"resourceType":"Patient","id":}"#), at: 50)
        paths.append(try directory.file("bad-late.json", "[1, 2]"))
        for workers in [1, 2, 4] {
            #expect {
                try FHIRResourceFiles.read(paths: paths, options: .init(), workers: workers)
            } throws: { error in
                "\(error)".contains("bad-early.json")
            }
        }
    }
}
