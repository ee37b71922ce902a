/// One Shared Data API endpoint from the catalog (`shared-data-api.endpoints.json`).
public struct SharedDataEndpoint: Sendable, CustomStringConvertible {
    /// The operation name of ImmPort's OpenAPI client, e.g. `get_study_arm_api`.
    public var operation: String
    public var method: String
    /// `/api/study/arm/{studyAccession}`.
    public var pathTemplate: String
    public var queryParameters: [String]
    /// True when the endpoint needs `Authorization: Bearer <key>`.
    public var requiresAPIKey: Bool
    /// The model it answers with, e.g. `List[StudyArmApi]`.
    public var returns: String

    public var pathParameters: [String] {
        pathTemplate.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    /// Search endpoints page with `fromRecord` / `pageSize`; everything else answers in one piece.
    public var isPaged: Bool { queryParameters.contains("fromRecord") && queryParameters.contains("pageSize") }
    public var returnsArray: Bool { returns.hasPrefix("List[") }

    public var description: String { "\(method) \(pathTemplate)" }

    /// The path with `{name}` segments filled in (percent-encoded).
    public func path(with values: [String: String]) throws -> String {
        var segments: [String] = []
        for segment in pathTemplate.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.hasPrefix("{"), segment.hasSuffix("}") {
                let name = String(segment.dropFirst().dropLast())
                guard let value = values[name], !value.isEmpty else {
                    throw ImmPortAPIError(.invalidArgument, url: "", message: "\(self) needs a value for {\(name)}")
                }
                segments.append(QueryString.encode(value).replacingAll("/", with: "%2F"))
            } else {
                segments.append(String(segment))
            }
        }
        return segments.joined(separator: "/")
    }

    /// The path parameters when `path` fits this template, nil otherwise.
    public func match(path: String) -> [String: String]? {
        Self.match(template: Self.segments(of: pathTemplate), path: Self.segments(of: path))
    }

    /// A path's segments between slashes, split in its UTF-8 (splitting the String walks it by Characters: matching
    /// the mapping's endpoints against the catalog that way was a tenth of a small study's run).
    static func segments(of path: String) -> [Substring] {
        path.utf8.split(separator: UInt8(ascii: "/")).map { Substring($0) }
    }

    /// The parameters of a path's `actual` segments fitting a `template`'s, nil when they do not fit.
    static func match(template: [Substring], path actual: [Substring]) -> [String: String]? {
        guard template.count == actual.count else { return nil }
        var values: [String: String] = [:]
        for (pattern, segment) in zip(template, actual) {
            if pattern.hasPrefix("{"), pattern.hasSuffix("}") {
                values[String(pattern.dropFirst().dropLast())] = String(segment)
            } else if pattern != segment {
                return nil
            }
        }
        return values
    }


    /// Refuses query names the endpoint does not take (they would be ignored or rejected by the server).
    public func checkQuery(_ query: [(String, String)]) throws {
        let allowed = Set(queryParameters)
        let unknown = query.map(\.0).filter { !allowed.contains($0) }
        guard unknown.isEmpty else {
            let list = queryParameters.isEmpty ? "none" : queryParameters.joined(separator: ", ")
            throw ImmPortAPIError(
                .invalidArgument, url: "",
                message: "\(self) takes no parameter \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")); it takes: \(list)")
        }
    }
}

/// Every endpoint of the Shared Data API, from the generated table (see Sources/ImmPortAPI/SharedData/Generator/generate-shared-data-catalog.py).
public enum SharedDataEndpointCatalog {
    /// Read once a process, split in the table's UTF-8 (by Characters, it was a millisecond of every run).
    public static let all: [SharedDataEndpoint] = table.utf8.split(separator: UInt8(ascii: "\n")).compactMap { line in
        let fields = line.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard fields.count == 6 else { return nil }
        return SharedDataEndpoint(
            operation: fields[0], method: fields[1], pathTemplate: fields[2],
            queryParameters: fields[3].isEmpty ? [] : fields[3].split(separator: ",").map(String.init),
            requiresAPIKey: fields[4] == "1", returns: fields[5])
    }

    public static func endpoint(operation: String) -> SharedDataEndpoint? { all.first { $0.operation == operation } }

    /// The endpoint a concrete path (`/api/study/arm/SDY1`) belongs to, with its path parameters.
    public static func match(path: String) -> (SharedDataEndpoint, [String: String])? {
        let trimmed = path.hasPrefix("/") ? path : "/" + path
        let actual = SharedDataEndpoint.segments(of: trimmed)
        // The first of the most specific templates that fit, each template split once per process.
        var best: (endpoint: SharedDataEndpoint, values: [String: String], specificity: Int)?
        for (index, endpoint) in all.enumerated() {
            guard let values = SharedDataEndpoint.match(template: templates[index].segments, path: actual) else { continue }
            let specificity = templates[index].specificity
            if best.map({ specificity > $0.specificity }) ?? true { best = (endpoint, values, specificity) }
        }
        return best.map { ($0.endpoint, $0.values) }
    }

    /// Each endpoint's template split into segments, with its specificity (its literal segments: they count more
    /// than parameters when several templates fit a path), in the order of `all`.
    static let templates: [(segments: [Substring], specificity: Int)] = all.map { endpoint in
        let segments = SharedDataEndpoint.segments(of: endpoint.pathTemplate)
        return (segments, segments.filter { !$0.hasPrefix("{") }.count)
    }

    /// The 11 assay result endpoints (`/result/...`).
    public static var resultEndpoints: [SharedDataEndpoint] { all.filter { $0.pathTemplate.hasPrefix("/result/") } }
    /// The lookup (controlled vocabulary) endpoints.
    public static var lookupEndpoints: [SharedDataEndpoint] { all.filter { $0.pathTemplate.hasPrefix("/api/lookup/") } }
}
