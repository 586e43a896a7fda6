import Foundation
import LessonKit
import Testing

/// Exercise 4: the rotation rule, as a function of a table of refresh tokens: no database, no clock.
@Suite("Exercise 4: refresh tokens that rotate")
struct RotationTests {
    let answers = Lesson07Answers.checked
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// alice's sign-in `f1` with one live token `r1`; bob's `f2` with `r2`.
    var table: RefreshTokenTable {
        RefreshTokenTable(
            records: [
                "r1": RefreshTokenRecord(user: "alice", family: "f1", expiresAt: now.addingTimeInterval(3600)),
                "r2": RefreshTokenRecord(user: "bob", family: "f2", expiresAt: now.addingTimeInterval(3600)),
            ],
            lifetime: 7200
        )
    }

    @Test("A good token is retired and the next one issued in its family, for the table's lifetime")
    func rotates() throws {
        var table = table
        #expect(try answers.redeem("r1", &table, "r1b", now) == .rotated(user: "alice", next: "r1b"))
        #expect(table.records["r1"]?.usedAt == now, "the token used is retired")
        #expect(table.records["r1b"] == RefreshTokenRecord(user: "alice", family: "f1", expiresAt: now.addingTimeInterval(7200)))
        #expect(try answers.redeem("r1b", &table, "r1c", now.addingTimeInterval(60)) == .rotated(user: "alice", next: "r1c"))
        #expect(table.records["r2"] == self.table.records["r2"], "another family is untouched")
    }

    @Test("A used token presented again revokes its whole family, and only that family")
    func reuseRevokesTheFamily() throws {
        var table = table
        _ = try answers.redeem("r1", &table, "r1b", now)
        let later = now.addingTimeInterval(30)
        #expect(try answers.redeem("r1", &table, "stolen", later) == .reused(family: "f1"))
        #expect(table.records["stolen"] == nil, "nothing is issued on a reuse")
        #expect(table.records["r1b"]?.revokedAt == later, "the thief's or the owner's next token dies with it")
        #expect(table.records["r2"]?.revokedAt == nil, "bob's sign-in is another family")
        #expect(try answers.redeem("r1b", &table, "r1c", later) == .invalid, "a revoked token is worth nothing")
    }

    @Test("Unknown, expired and revoked tokens are invalid, and change nothing")
    func invalid() throws {
        var table = table
        table.records["old"] = RefreshTokenRecord(user: "alice", family: "f3", expiresAt: now.addingTimeInterval(-1))
        table.records["gone"] = RefreshTokenRecord(user: "alice", family: "f4", expiresAt: now.addingTimeInterval(60), revokedAt: now)
        let before = table
        for token in ["nobody", "old", "gone"] {
            #expect(try answers.redeem(token, &table, "next-\(token)", now) == .invalid, "\(token)")
        }
        #expect(table == before)
    }
}
