@testable import FHIRModel

/// The NDJSON reader over a file read in small chunks (the first input byte picks the chunk size, so lines cross
/// chunk boundaries). Property: it gives what the JSON reader gives for each non-blank line, in order, and fails
/// on the first line the JSON reader refuses, naming that line (a BOM counts as JSON only at the start of the file).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNDJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzBytes(data, size)
    guard input.count > 0 else { return 0 }
    let chunkSize = 1 + Int(input[0]) % 64
    let bytes = UnsafeRawBufferPointer(rebasing: input[1...])
    let path = scratchFile(bytes, named: "input.ndjson")

    var expected: [(line: Int, element: FHIRElement?)] = []
    var lineNumber = 0
    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    for line in lines {
        lineNumber += 1
        if lineNumber == lines.count, line.isEmpty { break }
        var content = Array(line)
        if content.last == 0x0D { content.removeLast() }
        if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
        // A byte order mark may open the file, not a later line (RFC 8259 and the NDJSON reader agree).
        let element = try? FHIRJSONReader(options: .init(allowsByteOrderMark: lineNumber == 1)).read(content)
        expected.append((lineNumber, element))
        if element == nil { break }
    }

    guard var reader = try? NDJSONReader(path: path, chunkSize: chunkSize) else {
        require(false, "cannot open the scratch file")
        return 0
    }
    var index = 0
    while true {
        do {
            guard let element = try reader.next() else {
                require(index == expected.count, "NDJSON ended after \(index) documents, the lines hold \(expected.count)")
                break
            }
            require(index < expected.count, "NDJSON gave more documents than the lines hold")
            require(expected[index].element == element, "document \(index + 1) (line \(expected[index].line)) differs from its line read alone")
            require(reader.lineNumber == expected[index].line, "document \(index + 1) reported at line \(reader.lineNumber), not \(expected[index].line)")
            index += 1
        } catch let error as FHIRJSONError {
            require(index < expected.count && expected[index].element == nil,
                    "NDJSON refused document \(index + 1) which its line alone gives: \(error)")
            require(error.line == expected[index].line, "error on line \(error.line), the bad line is \(expected[index].line): \(error)")
            break
        } catch {
            require(false, "unexpected error \(error)")
        }
    }
    return 0
}
