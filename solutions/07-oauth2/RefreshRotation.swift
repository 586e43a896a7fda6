import Foundation
import LessonKit

/// Exercise 4, the reference: redeems a refresh token in `table`, rotating it (RFC 6749 §6 and §10.4, RFC 9700 §4.14.2).
///
/// A good token is marked used and `next` is issued in its place, in the same family, for as long
/// as the table's lifetime from `now`. A used token presented again revokes its whole family.
public func redeem(_ token: String, in table: inout RefreshTokenTable, next: String, now: Date) throws -> Redemption {
    guard let record = table.records[token], record.revokedAt == nil, record.expiresAt > now else { return .invalid }
    guard record.usedAt == nil else {
        for (key, other) in table.records where other.family == record.family && other.revokedAt == nil {
            table.records[key]?.revokedAt = now
        }
        return .reused(family: record.family)
    }
    table.records[token]?.usedAt = now
    table.records[next] = RefreshTokenRecord(user: record.user, family: record.family, expiresAt: now.addingTimeInterval(table.lifetime))
    return .rotated(user: record.user, next: next)
}
