@testable import ImmPortAPI
import NIOHTTP1
@testable import FHIRModel

/// The Shared Data response decoder (what `SharedDataClient` does with each answer as it arrives: split an array
/// into records, check an object whole) and the records' parsing. Property: when the body is valid JSON, the
/// decoder accepts it and its records are the array's items (or the object), each kept as the bytes it was sent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSharedData(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = Array(fuzzBytes(data, size))
    let endpoint = SharedDataEndpointCatalog.all[body.count % SharedDataEndpointCatalog.all.count]
    let answer = HTTPResponseData(
        url: "https://www.immport.org/data/query/api/x", redactedURL: "https://www.immport.org/data/query/api/x",
        status: 200, headers: HTTPHeaders(), body: body, attempts: 1)
    let whole = try? FHIRJSONReader().read(body)
    guard let response = try? SharedDataResponse(checking: answer, endpoint: endpoint) else {
        require(whole == nil, "the Shared Data decoder refuses a valid JSON body")
        return 0
    }
    let records = Result { () throws(ImmPortAPIError) -> [SharedDataRecord] in try response.records.all() }
    _ = try? response.tree()
    guard let whole else { return 0 }
    guard case .success(let all) = records else {
        require(false, "a valid JSON body's records fail: \(records)")
        return 0
    }
    if case .array(let items) = whole {
        require(response.isArray, "an array body is not read as an array")
        require(all.map { $0.element } == items, "the records differ from the array's items")
    } else {
        require(all.map { $0.element } == [whole], "the one record differs from the body")
    }
    for record in all {
        require((try? FHIRJSONReader().read(record.rawJSON)) == record.element, "a record's raw JSON does not read as the record")
    }
    return 0
}
