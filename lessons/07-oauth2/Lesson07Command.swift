import ArgumentParser
import ChatServer
import Exercise07
import Foundation
import LessonKit
import Solution07

/// Lesson 7's server: `POST /token` with the password grant, and `/ws`, which admits a connection
/// only with a valid access token, using the learner's code (or, with `--solution`, the reference).
@main
struct Lesson07Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson07",
        abstract: "Lesson 7's server: POST /token, and /ws guarded by an access token in any of three carriers."
    )

    @OptionGroup var options: LessonServerOptions

    @Option(help: "The SQLite file that keeps the accounts; it outlives the server.")
    var database = "lesson07.sqlite"

    @Option(help: "How long an access token lives, in seconds.")
    var tokenLifetime = 900

    @Option(help: "A user to create at start-up if there is none by that name, as NAME:PASSWORD (repeatable).")
    var user: [String] = ["alice:correct horse battery"]

    func run() async throws {
        let issuer = await AccessTokenIssuer.random()
        let lifetime = Duration.seconds(tokenLifetime)
        let hasher = PasswordHasher()
        let solution = options.solution
        // The application is built synchronously; what must be awaited happens here, first.
        let prepared: (endpoint: any TokenResponding, verifier: any AccessTokenVerifying)
        do {
            let accounts: any UserAccounts = try solution ? Solution07.Accounts(path: database) : Exercise07.Accounts(path: database)
            for entry in user {
                let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--user takes NAME:PASSWORD") }
                if try await accounts.credentials(of: parts[0]) == nil {
                    try await accounts.add(parts[0], passwordHash: try await hasher.hash(parts[1]), scopes: ChatScope.all)
                }
            }
            let endpoint: any TokenResponding
            let verifier: any AccessTokenVerifying
            if solution {
                endpoint = try await Solution07.TokenEndpoint(accounts: accounts, hasher: hasher, issuer: issuer, lifetime: lifetime)
                verifier = try await Solution07.AccessTokenVerifier(publicKeyPEM: issuer.publicKeyPEM)
            } else {
                endpoint = try await Exercise07.TokenEndpoint(accounts: accounts, hasher: hasher, issuer: issuer, lifetime: lifetime)
                verifier = try await Exercise07.AccessTokenVerifier(publicKeyPEM: issuer.publicKeyPEM)
            }
            prepared = (endpoint, verifier)
        } catch let error as NotDoneYet {
            print("Lesson 7's server can't start yet: \(error). Check with `swift run course check 7`, or try `--solution`.")
            throw ExitCode.failure
        }
        let verifier = prepared.verifier
        try await options.serve(lesson: 7, path: "/ws") { configuration in
            buildGuardedLessonServer(
                tokenEndpoint: prepared.endpoint,
                allowedOrigins: options.allowedOrigins,
                configuration: configuration,
                authorize: { request in
                    try await solution ? Solution07.authorize(request, verifier: verifier) : Exercise07.authorize(request, verifier: verifier)
                },
                connection: { access, inbound, outbound in
                    try await solution
                        ? Solution07.guardedConnection(access, inbound: inbound, outbound: outbound)
                        : Exercise07.guardedConnection(access, inbound: inbound, outbound: outbound)
                }
            )
        }
    }
}
