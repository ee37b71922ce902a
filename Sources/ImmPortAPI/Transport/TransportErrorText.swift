import AsyncHTTPClient
import Foundation
import NIOCore

/// Turns what the HTTP stack throws into a few words a person reads: `the connection was refused (nothing is
/// listening at 127.0.0.1:8080)` instead of `connection reset (error set): Connection refused (errno: 111)`.
///
/// The connection errors of NIO's bootstrap (`NIOConnectionError`, one failure per address tried) live in a module
/// this target does not import, so the `IOError` and DNS failures inside them are found by reflection.
enum TransportErrorText {
    static func describe(_ error: any Error, url: String, configuration: HTTPTransportConfiguration) -> String {
        let place = hostAndPort(of: url)
        if let error = error as? HTTPClientError {
            switch error {
            case .readTimeout:
                return "the server sent nothing for \(format(configuration.readTimeoutSeconds)) s (read timeout)"
            case .connectTimeout:
                return "could not connect to \(place) within \(format(configuration.connectTimeoutSeconds)) s"
            case .deadlineExceeded:
                return "the response took longer than \(format(configuration.requestTimeoutSeconds)) s"
            case .remoteConnectionClosed:
                return "the server closed the connection before the response was complete"
            case .tlsHandshakeTimeout: return "the TLS handshake with \(place) timed out"
            case .cancelled: return "the request was cancelled"
            default: break
            }
        }
        if error is NIOTooManyBytesError {
            return "the response is larger than \(configuration.maxResponseBytes) bytes"
        }
        if let ioError = find(IOError.self, in: error) { return describe(errno: ioError.errnoCode, place: place) }
        if let channelError = find(ChannelError.self, in: error) {
            switch channelError {
            case .connectTimeout: return "could not connect to \(place) within \(format(configuration.connectTimeoutSeconds)) s"
            case .eof, .outputClosed, .inputClosed, .alreadyClosed, .ioOnClosedChannel:
                return "the connection to \(place) was closed unexpectedly"
            default: break
            }
        }
        let typeName = String(reflecting: type(of: error))
        if typeName.contains("NIOConnectionError") || typeName.contains("SocketAddressError") {
            return "could not find the host \(place) (DNS lookup failed)"
        }
        if typeName.contains("SSL") || typeName.contains("TLS") {
            return "the secure (TLS) connection to \(place) failed: \(error)"
        }
        return "the request failed: \(error)"
    }

    static func describe(errno code: Int32, place: String) -> String {
        switch code {
        case ECONNREFUSED: return "the connection was refused (nothing is listening at \(place))"
        case ECONNRESET: return "the server at \(place) reset the connection"
        case ETIMEDOUT: return "the connection to \(place) timed out"
        case EHOSTUNREACH: return "the host \(place) is unreachable"
        case ENETUNREACH: return "the network of \(place) is unreachable"
        case EPIPE: return "the connection to \(place) was closed while the request was being sent"
        case EADDRNOTAVAIL: return "cannot connect to \(place) (address not available)"
        default: return "the connection to \(place) failed: \(String(cString: strerror(code)).lowercased())"
        }
    }

    /// The first value of type `T` in `value` or, searching breadth-first a few levels down, among its stored
    /// properties and collection elements.
    static func find<T>(_: T.Type, in value: Any) -> T? {
        var level: [Any] = [value]
        for _ in 0..<5 {
            var next: [Any] = []
            for item in level {
                if let found = item as? T { return found }
                for child in Mirror(reflecting: item).children { next.append(child.value) }
            }
            if next.isEmpty { return nil }
            level = next
        }
        return nil
    }

    /// `host:port` of an http(s) URL (the scheme's port when none is written); the URL itself when it has no host.
    static func hostAndPort(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        let port = components.port ?? (components.scheme == "https" ? 443 : 80)
        return "\(host):\(port)"
    }

    static func format(_ seconds: Double) -> String { HTTPTransport.format(seconds) }
}
