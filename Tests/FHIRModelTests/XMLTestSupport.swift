import Foundation
import TestSupport
@testable import FHIRModel

/// Helpers for the XML tests: xmllint batch validation, the known normalisations of the example corpus, and a
/// tree diff that names the first difference.
enum XMLTestSupport {
    /// xmllint's path, or nil after a loud skip message (a failure under CI=true).
    static func xmllint() throws -> String? { try XMLSchemaCheck.xmllint() }

    /// Validates all `files` against `schema` with ONE xmllint call (compiling the schema is most of the cost).
    /// Returns the files that failed, with xmllint's messages about them.
    static func validate(_ files: [String], schema: String, xmllint: String) throws -> [String: [String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xmllint)
        process.arguments = ["--noout", "--nonet", "--schema", schema] + files
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        var failures: [String: [String]] = [:]
        var validated = Set<String>()
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasSuffix(" validates") { validated.insert(String(line.dropLast(" validates".count))); continue }
            if let file = files.first(where: { line.hasPrefix($0) }) {
                if !line.hasSuffix(" fails to validate") { failures[file, default: []].append(line) }
                else if failures[file] == nil { failures[file] = [line] }
            }
        }
        for file in files where !validated.contains(file) && failures[file] == nil {
            failures[file] = ["xmllint did not report on this file (exit \(process.terminationStatus))"]
        }
        return failures
    }

    static func temporaryDirectory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "immport-xml-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func readJSON(_ path: String) throws -> FHIRElement {
        try FHIRJSONReader(options: .init(source: path)).read(FileBytes.read(path: path))
    }

    /// The corpus labels its examples HTEST in `meta.tag` in JSON and in `meta.security` in XML: drop that coding
    /// from both, and `meta` when nothing else is left.
    static func withoutTestLabel(_ element: FHIRElement) -> FHIRElement {
        switch element {
        case .array(let items): return .array(items.map(withoutTestLabel))
        case .object(var object):
            for index in object.indices { object.replaceValue(at: index, with: withoutTestLabel(object[index].value)) }
            if object["resourceType"] != nil, case .object(var meta)? = object["meta"] {
                for key in ["tag", "security"] {
                    guard case .array(let codings)? = meta[key] else { continue }
                    let kept = codings.filter { $0["code"]?.stringValue != "HTEST" }
                    meta[key] = kept.isEmpty ? nil : .array(kept)
                }
                object["meta"] = meta.isEmpty ? nil : .object(meta)
            }
            return .object(object)
        default: return element
        }
    }

    /// Moves each resource's `meta` to its place in definition order (after `id`, else after `resourceType`).
    static func withMetaAfterId(_ element: FHIRElement) -> FHIRElement {
        switch element {
        case .array(let items): return .array(items.map(withMetaAfterId))
        case .object(var object):
            for index in object.indices { object.replaceValue(at: index, with: withMetaAfterId(object[index].value)) }
            if object["resourceType"] != nil, let meta = object.removeValue(forKey: "meta") {
                let at = (object.index(forKey: "id") ?? object.index(forKey: "resourceType")!) + 1
                object.insertUnchecked(key: "meta", value: meta, at: at)
            }
            return .object(object)
        default: return element
        }
    }

    /// Every difference between two trees as (path, `expected vs actual`). Objects compare by key set and values
    /// (key order is checked separately by `keyOrderDifferences`).
    static func differences(_ expected: FHIRElement, _ actual: FHIRElement, path: String = "") -> [(path: String, text: String)] {
        switch (expected, actual) {
        case (.object(let a), .object(let b)):
            var found: [(path: String, text: String)] = []
            for member in a {
                if let other = b[member.key] {
                    found += differences(member.value, other, path: path + "." + member.key)
                } else {
                    found.append((path + "." + member.key, "missing"))
                }
            }
            for member in b where a[member.key] == nil { found.append((path + "." + member.key, "unexpected")) }
            return found
        case (.array(let a), .array(let b)):
            if a.count != b.count { return [(path, "\(a.count) items vs \(b.count)")] }
            return a.indices.flatMap { differences(a[$0], b[$0], path: path + "[\($0)]") }
        case (.string(let a), .string(let b)) where a != b:
            let x = Array(a.utf8), y = Array(b.utf8)
            var i = 0
            while i < min(x.count, y.count), x[i] == y[i] { i += 1 }
            let from = max(0, i - 40)
            return [(path, "strings differ at byte \(i): \(describe(.string(String(decoding: x[from..<min(x.count, i + 40)], as: UTF8.self)))) vs \(describe(.string(String(decoding: y[from..<min(y.count, i + 40)], as: UTF8.self))))")]
        default:
            return expected == actual ? [] : [(path, "\(describe(expected)) vs \(describe(actual))")]
        }
    }

    static func difference(_ expected: FHIRElement, _ actual: FHIRElement) -> String? {
        differences(expected, actual).first.map { "\($0.path): \($0.text)" }
    }

    static func describe(_ element: FHIRElement) -> String {
        let text = FHIRJSONWriter().string(element)
        return text.count > 160 ? String(text.prefix(160)) + "..." : text
    }

    /// Every path where two equal-content trees list object keys in a different order.
    static func keyOrderDifferences(_ a: FHIRElement, _ b: FHIRElement, path: String = "") -> [String] {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            var found = x.keys == y.keys ? [] : ["\(path): \(x.keys) vs \(y.keys)"]
            for member in x { if let other = y[member.key] { found += keyOrderDifferences(member.value, other, path: path + "." + member.key) } }
            return found
        case (.array(let x), .array(let y)):
            return zip(x, y).enumerated().flatMap { keyOrderDifferences($0.element.0, $0.element.1, path: path + "[\($0.offset)]") }
        default: return []
        }
    }
}
