import Foundation
import NIOSSL
import PostgresNIO

/// Reads a PostgreSQL address, `postgres://user:password@host:port/database?sslmode=…`, as libpq
/// does for the parts the server uses.
enum PostgresURL {
    /// Whether `string` names a PostgreSQL database rather than a file.
    static func isPostgres(_ string: String) -> Bool {
        string.hasPrefix("postgres://") || string.hasPrefix("postgresql://")
    }

    /// The client configuration for `string`.
    ///
    /// `sslmode` is `prefer` unless the address says `disable` or `require`, as with libpq;
    /// `require` encrypts without checking the server's certificate, as libpq's does.
    static func configuration(from string: String) throws -> PostgresClient.Configuration {
        guard isPostgres(string), let url = URLComponents(string: string) else {
            throw PostgresURLError("it must read postgres://user:password@host:port/database")
        }
        guard let user = url.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw PostgresURLError("it names no user")
        }
        let host = url.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        let database = String(url.path.drop { $0 == "/" })
        let tls: PostgresClient.Configuration.TLS
        switch url.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(Self.unverified)
        case "require": tls = .require(Self.unverified)
        case let mode: throw PostgresURLError("sslmode \(mode) is not one of disable, prefer, require")
        }
        return PostgresClient.Configuration(
            host: host,
            port: url.port ?? 5432,
            username: user,
            password: url.percentEncodedPassword?.removingPercentEncoding,
            database: database.isEmpty ? nil : database.removingPercentEncoding,
            tls: tls
        )
    }

    /// The same address as libpq's environment variables (`PGHOST`, `PGUSER`, `PGPASSWORD`, …), for
    /// PostgreSQL's own programs: a password in an argument would show in `ps`, one in the environment
    /// does not.
    static func libpqEnvironment(from string: String) throws -> [String: String] {
        let configuration = try Self.configuration(from: string)
        let url = URLComponents(string: string)
        var environment = ["PGUSER": configuration.username, "PGSSLMODE": url?.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"]
        environment["PGHOST"] = configuration.host
        environment["PGPORT"] = configuration.port.map(String.init)
        environment["PGPASSWORD"] = configuration.password
        environment["PGDATABASE"] = configuration.database
        return environment
    }

    private static var unverified: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }
}

/// Why a PostgreSQL address could not be read. It never repeats the address, which may hold a password.
public struct PostgresURLError: Error, Equatable, CustomStringConvertible {
    public let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "The PostgreSQL address can't be used: \(reason)." }
}
