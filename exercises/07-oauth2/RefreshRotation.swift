import Foundation
import LessonKit

/// Exercise 4: redeem a refresh token in `table`, rotating it (RFC 6749 §6 and §10.4, RFC 9700 §4.14.2).
///
/// - A token the table holds, unused, unrevoked and unexpired at `now`: mark it used at `now`, add
///   `next` in its place (same user, same family, expiring the table's `lifetime` after `now`), and
///   answer ``Redemption/rotated(user:next:)``.
/// - A used token presented again: revoke, at `now`, every token of its family that is not revoked
///   yet, and answer ``Redemption/reused(family:)``.
/// - Anything else (unknown, expired, revoked): ``Redemption/invalid``, and the table unchanged.
/// Lesson 7's text, "Exercise 4: refresh tokens that rotate", says why a reuse revokes the family.
public func redeem(_ token: String, in table: inout RefreshTokenTable, next: String, now: Date) throws -> Redemption {
    // TODO: apply the rotation rule to `table`. Then delete the line below.
    throw NotDoneYet("rotate a refresh token, and revoke its family when it is reused: redeem, in RefreshRotation.swift")
}
