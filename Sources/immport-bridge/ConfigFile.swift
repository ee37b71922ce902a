import Foundation
import ImmPortAPI
import Yams

/// The user's configuration file: server bases, the key file and the store, for when flags and environment
/// variables say nothing (flag, then environment variable, then this file, then ImmPort's defaults). Found at
/// `--config FILE`, else `$IMMPORT_BRIDGE_CONFIG`, else `$XDG_CONFIG_HOME/immport-bridge/config.yaml` (else
/// `~/.config/immport-bridge/config.yaml`) when that exists. YAML, one `key: value` a line:
///
///     fhir-base: https://fhir.immport.org/fhir
///     shared-data-base: https://www.immport.org/data/query
///     drs-base: https://www.immport.org
///     genelist-base: https://s3.immport.org/release/genelists/current
///     api-key-file: ~/.immport/key.json
///     store: /data/immport/store.sqlite
struct ConfigFile: Sendable {
    static let keys = ["fhir-base", "shared-data-base", "drs-base", "genelist-base", "api-key-file", "store"]

    /// Values by key, each with `FILE:LINE`.
    var values: [String: ServiceBase.Configured] = [:]

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let empty = ConfigFile()

    /// The file `flag` names, else the environment's, else the default one if it exists; no file gives no values.
    static func load(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ConfigFile {
        if let flag, !flag.isEmpty { return try read(flag) }
        if let path = environment["IMMPORT_BRIDGE_CONFIG"], !path.isEmpty { return try read(path) }
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"].map { $0 + "/.config" } ?? NSHomeDirectory() + "/.config")
        let path = base + "/immport-bridge/config.yaml"
        return FileManager.default.fileExists(atPath: path) ? try read(path) : .empty
    }

    static func read(_ path: String) throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "\(path): error: cannot read the configuration file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw Failure(description: "\(path): error: not YAML: \(error)")
        } catch {
            throw Failure(description: "\(path): error: not YAML: \(error)")
        }
        guard let node else { return .empty }
        guard case .mapping(let mapping) = node else {
            throw Failure(description: "\(path):\(node.mark?.line ?? 1): error: the configuration is a mapping of keys to values (\(keys.joined(separator: ", ")))")
        }
        var config = ConfigFile()
        for (key, value) in mapping {
            let line = key.mark?.line ?? 1
            guard let name = key.string, keys.contains(name) else {
                throw Failure(description: "\(path):\(line): error: unknown key \"\(key.string ?? "?")\"; known: \(keys.joined(separator: ", "))")
            }
            guard case .scalar(let scalar) = value else {
                throw Failure(description: "\(path):\(value.mark?.line ?? line): error: \(name) takes one text value")
            }
            var text = scalar.string
            if (name == "api-key-file" || name == "store"), text.hasPrefix("~/") {
                text = NSHomeDirectory() + text.dropFirst(1)
            }
            config.values[name] = ServiceBase.Configured(value: text, origin: "\(path):\(line)")
        }
        return config
    }

    func base(for service: ImmPortService) -> ServiceBase.Configured? {
        switch service {
        case .fhir: return values["fhir-base"]
        case .sharedData: return values["shared-data-base"]
        case .drs: return values["drs-base"]
        case .geneLists: return values["genelist-base"]
        }
    }

    var apiKeyFile: String? { values["api-key-file"]?.value }
    var store: String? { values["store"]?.value }
}
