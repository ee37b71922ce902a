@testable import FHIRViews
@testable import FHIRPath
@testable import FHIRModel

/// The ViewDefinition parser and compiler on fuzzed JSON (before a NUL byte), and the runner on the resource after
/// it (JSON; a small Patient when there is none). Every refusal is an error; rows have one value per column.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzView(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let nul = bytes.firstIndex(of: 0) ?? bytes.count
    guard let element = try? FHIRJSONReader().read(UnsafeRawBufferPointer(rebasing: bytes[..<nul])),
        let definition = try? ViewDefinition(parsing: element, source: "fuzz")
    else { return 0 }
    var resources = [viewPatient]
    if nul < bytes.count, let resource = try? FHIRJSONReader().read(UnsafeRawBufferPointer(rebasing: bytes[(nul + 1)...])) {
        resources = [resource]
    }
    for version in [FHIRVersion.r4, .r5] {
        guard let view = try? CompiledView(definition, options: .init(version: version)) else { continue }
        for resource in resources {
            try? view.rows(for: resource) { row in
                require(row.count == view.table.columns.count, "a row of \(row.count) values for \(view.table.columns.count) columns")
            }
        }
    }
    return 0
}

let viewPatient: FHIRElement = try! FHIRJSONReader().read(#"""
{"resourceType":"Patient","id":"p1","active":true,"gender":"female","birthDate":"1980-02-29",
 "name":[{"use":"official","family":"F","given":["A","B"]},{"family":"G"}],
 "telecom":[{"system":"phone","value":"1"},{"system":"email","value":"a@b"}],
 "address":[{"city":"C","period":{"start":"2000"}}],"link":[{"other":{"reference":"Patient/p2"},"type":"seealso"}]}
"""#)
