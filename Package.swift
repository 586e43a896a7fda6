// swift-tools-version:6.1
import PackageDescription

/// One set of settings for every target: Swift 6 language mode (the tools version sets it) with the
/// upcoming features the Hummingbird packages build with.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let hummingbirdWebSocket = Target.Dependency.product(name: "HummingbirdWebSocket", package: "hummingbird-websocket")
let webSocketClient = Target.Dependency.product(name: "HummingbirdWSClient", package: "hummingbird-websocket")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let nioWebSocket = Target.Dependency.product(name: "NIOWebSocket", package: "swift-nio")
let jwtKit = Target.Dependency.product(name: "JWTKit", package: "jwt-kit")

/// A lesson is three targets and a suite: the learner's exercise, the reference solution, the executable
/// that runs the server as it stands at that step, and `LessonNNTests`, which checks either answer.
///
/// A lesson whose learner writes tests too keeps them in a `YourTests/` folder of its own, in each of
/// the exercise and the solution: a target apart, built only into the suite, that runs them against the
/// lesson's server and against broken ones.
func lesson(_ number: String, _ name: String, dependencies: [Target.Dependency], yourTests: [Target.Dependency]? = nil) -> [Target] {
    let folder = "\(number)-\(name)"
    let roles = ["Exercise": "exercises", "Solution": "solutions"]
    var targets: [Target] = roles.keys.sorted().map { role in
        .target(
            name: "\(role)\(number)",
            dependencies: dependencies,
            path: "\(roles[role]!)/\(folder)",
            exclude: yourTests == nil ? [] : ["YourTests"],
            swiftSettings: swiftSettings
        )
    }
    var suiteDependencies: [Target.Dependency] = [.target(name: "Exercise\(number)"), .target(name: "Solution\(number)"), "TestSupport"]
    if let yourTests {
        targets += roles.keys.sorted().map { role in
            .target(
                name: "\(role)\(number)YourTests",
                dependencies: dependencies + yourTests,
                path: "\(roles[role]!)/\(folder)/YourTests",
                swiftSettings: swiftSettings
            )
        }
        suiteDependencies += [.target(name: "Exercise\(number)YourTests"), .target(name: "Solution\(number)YourTests")] + yourTests
    }
    return targets + [
        .executableTarget(
            name: "lesson\(number)",
            dependencies: [.target(name: "Exercise\(number)"), .target(name: "Solution\(number)"), "LessonKit"],
            path: "lessons/\(folder)",
            exclude: ["README.md", "hints.md"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "Lesson\(number)Tests", dependencies: suiteDependencies + dependencies, swiftSettings: swiftSettings),
    ]
}

let package = Package(
    name: "websocket-course",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "course", targets: ["course"]),
        .executable(name: "chat-server", targets: ["chat-server"]),
        .executable(name: "wsclient", targets: ["wsclient"]),
        .executable(name: "wsbench", targets: ["wsbench"]),
        .executable(name: "lesson01", targets: ["lesson01"]),
        .executable(name: "lesson02", targets: ["lesson02"]),
        .executable(name: "lesson03", targets: ["lesson03"]),
        .executable(name: "lesson04", targets: ["lesson04"]),
        .executable(name: "lesson05", targets: ["lesson05"]),
        .executable(name: "lesson06", targets: ["lesson06"]),
        .executable(name: "lesson07", targets: ["lesson07"]),
        .library(name: "ChatServer", targets: ["ChatServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // The final chat server: handshake policy now; rooms, history, auth and limits as the course grows.
        .target(
            name: "ChatServer",
            dependencies: [
                hummingbird,
                .product(name: "HummingbirdCore", package: "hummingbird"),
                hummingbirdWebSocket,
                crypto,
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "chat-server",
            dependencies: [
                "ChatServer",
                argumentParser,
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "wsclient",
            dependencies: [
                webSocketClient,
                argumentParser,
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // epoll(7) for wsbench, which reads its broadcast connections on loops of its own.
        .systemLibrary(name: "CEpoll"),
        .executableTarget(
            name: "wsbench",
            dependencies: [
                "CEpoll",
                argumentParser,
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // The course: the engine (catalog, progress, rendering, checks), its command, and what lessons share.
        .target(name: "CourseKit", swiftSettings: swiftSettings),
        .executableTarget(name: "course", dependencies: ["CourseKit", argumentParser], swiftSettings: swiftSettings),
        .target(
            name: "LessonKit",
            dependencies: [
                "ChatServer", argumentParser, hummingbird, hummingbirdWebSocket, nioWebSocket, jwtKit,
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // Helpers that more than one suite uses: a raw HTTP client for handshakes the WebSocket client won't send.
        .target(
            name: "TestSupport",
            dependencies: [
                "ChatServer",
                hummingbird,
                .product(name: "HummingbirdCore", package: "hummingbird"),
                webSocketClient,
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatServerTests",
            dependencies: [
                "ChatServer",
                "TestSupport",
                crypto,
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CourseKitTests", dependencies: ["CourseKit", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WSClientTests",
            dependencies: ["wsclient", "TestSupport", hummingbird, hummingbirdWebSocket],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WSBenchTests",
            dependencies: ["wsbench", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: swiftSettings
        ),
    ]
        + lesson("01", "handshake", dependencies: ["ChatServer", "LessonKit", hummingbird, hummingbirdWebSocket, crypto])
        + lesson("02", "messages", dependencies: ["LessonKit", hummingbird, hummingbirdWebSocket, nioWebSocket])
        + lesson(
            "03",
            "disconnects",
            dependencies: [
                "LessonKit", hummingbird, hummingbirdWebSocket, nioWebSocket,
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        )
        + lesson(
            "04",
            "errors",
            dependencies: ["LessonKit", hummingbird, hummingbirdWebSocket, nioWebSocket, .product(name: "Logging", package: "swift-log")],
            yourTests: [
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                webSocketClient,
            ]
        )
        + lesson(
            "05",
            "chat",
            dependencies: [
                "ChatServer", "LessonKit", hummingbird, hummingbirdWebSocket, nioWebSocket,
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        )
        + lesson(
            "06",
            "performance",
            dependencies: [
                "ChatServer", "LessonKit", hummingbird, hummingbirdWebSocket, nioWebSocket, webSocketClient,
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        )
        + lesson(
            "07",
            "oauth2",
            dependencies: [
                "ChatServer", "LessonKit", hummingbird, hummingbirdWebSocket, nioWebSocket, jwtKit, crypto, webSocketClient,
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        )
)
