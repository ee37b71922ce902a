import Foundation
import PostgresNIO

/// Where to connect: a `postgres://user:password@host:port/database?sslmode=...` URL, or libpq's `PG*` variables
/// (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE) for whatever the URL leaves out.
public struct PostgresSettings: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// `disable` (the default), `prefer`/`require` (TLS without verification), `verify-full`.
    public var sslMode: String

    public init(
        host: String = "localhost", port: Int = 5432, user: String, password: String? = nil, database: String? = nil,
        sslMode: String = "disable"
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database ?? user
        self.sslMode = sslMode
    }

    /// Reads `url` when given, filling the gaps from `environment` (default: the process environment).
    public init(url: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var host = environment["PGHOST"] ?? "localhost"
        var port = Int(environment["PGPORT"] ?? "") ?? 5432
        var user = environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        var password = environment["PGPASSWORD"]
        var database = environment["PGDATABASE"]
        var sslMode = environment["PGSSLMODE"] ?? "disable"
        if let url {
            guard let components = URLComponents(string: url),
                components.scheme == "postgres" || components.scheme == "postgresql"
            else {
                throw PostgresSettingsError(message: "--postgres: \(url) is not a postgres://user@host:port/database URL")
            }
            if let value = components.host, !value.isEmpty { host = value.removingPercentEncoding ?? value }
            if let value = components.port { port = value }
            if let value = components.user, !value.isEmpty { user = value.removingPercentEncoding ?? value }
            if let value = components.password { password = value.removingPercentEncoding ?? value }
            let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
            if !path.isEmpty { database = path.removingPercentEncoding ?? path }
            for item in components.queryItems ?? [] {
                switch item.name {
                case "sslmode": sslMode = item.value ?? sslMode
                case "host": host = item.value ?? host
                case "user": user = item.value ?? user
                case "password": password = item.value
                case "port": port = Int(item.value ?? "") ?? port
                default: throw PostgresSettingsError(message: "--postgres: unsupported URL parameter \"\(item.name)\"")
                }
            }
        }
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw PostgresSettingsError(message: "unknown sslmode \"\(sslMode)\"")
        }
        self.init(host: host, port: port, user: user, password: password, database: database, sslMode: sslMode)
    }

    /// Connection details without the password.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    func configuration() throws -> PostgresConnection.Configuration {
        if host.hasPrefix("/") {
            // libpq convention: a host starting with "/" is the directory of the server's socket.
            return PostgresConnection.Configuration(
                unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case "disable", "allow": tls = .disable
        case "verify-ca", "verify-full":
            tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        default:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            let context = try NIOSSLContext(configuration: configuration)
            tls = sslMode == "require" ? .require(context) : .prefer(context)
        }
        return PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}

public struct PostgresSettingsError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
