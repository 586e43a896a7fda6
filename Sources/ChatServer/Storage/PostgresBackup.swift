import Foundation

/// A backup of a PostgreSQL database, by PostgreSQL's own `pg_dump`.
///
/// `pg_dump` reads the whole database in one transaction (a consistent snapshot, as of its start)
/// while the servers go on writing; it holds no lock a server's reads or writes wait for, only one that
/// a migration would wait for. It writes its custom format, which `pg_restore` reads back:
/// `createdb NEW` then `pg_restore --no-owner --dbname postgres://…/NEW FILE`.
public enum PostgresBackup {
    /// Writes the database at `url` to a new file at `path`.
    ///
    /// - Throws: ``ChatDatabaseError/backupExists(_:)`` when `path` exists,
    ///   ``ChatDatabaseError/backupToolMissing`` when `pg_dump` is not installed,
    ///   ``ChatDatabaseError/backupFailed(_:)`` with `pg_dump`'s own words when it fails, and
    ///   ``PostgresURLError`` when the address can't be read.
    public static func write(_ url: String, to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else { throw ChatDatabaseError.backupExists(path) }
        guard let pgDump = program("pg_dump") else { throw ChatDatabaseError.backupToolMissing }
        // The address travels in the environment, where `ps` shows no password.
        let environment = ProcessInfo.processInfo.environment.merging(try PostgresURL.libpqEnvironment(from: url)) { $1 }
        let (status, said) = try ChildProcess.run(pgDump, ["--format=custom", "--file=\(path)"], environment: environment, capturing: .errors)
        guard status == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            let words = said.trimmingCharacters(in: .whitespacesAndNewlines)
            throw ChatDatabaseError.backupFailed(words.isEmpty ? "pg_dump exited with status \(status)" : words)
        }
    }

    /// Where a PostgreSQL program is: on the `PATH`, or else in the newest `/usr/lib/postgresql/*/bin`
    /// (where Debian's server package puts them).
    static func program(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted().reversed()
        let folders = path.split(separator: ":").map(String.init) + versions.map { "\(root)/\($0)/bin" }
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
