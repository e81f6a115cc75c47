import DSToolKit
import XCTest
@testable import DSToolTrace

final class CrossSiteScriptingTests: XCTestCase {
    func testAttacks() {
        WebTest.check(CrossSiteScripting.rule.id, attacks: [
            "/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
            "/search?q=<script>alert(document.cookie)</script>",
            "/search?q=%3Csvg/onload=alert(1)%3E",
            "/p?x=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
            "/p?next=javascript:alert(1)",
            "/p?x=%26lt%3Bscript%26gt%3Balert(1)%26lt%3B/script%26gt%3B",
            "/p?x=%EF%BC%9Cscript%EF%BC%9Ealert(1)",
            "/p?x=%3Ciframe%20src=//evil.example%3E",
            "/p?x=%3Cbody%20onload%3Dprompt(1)%3E",
            "/p?x=%22%20onmouseover%3D%22alert(1)",
            "/p?x=%3Ca%20href%3D%22javascript%3Avoid(0)%22%3E",
            "/p?x=%3Cdetails%20open%20ontoggle%3Dconfirm(1)%3E",
            "/p?x=eval(atob(%27YWxlcnQoMSk=%27))",
            "/p?x=String.fromCharCode(88,83,83)",
            "/p?x=%253Cscript%253Ealert%25281%2529%253C%252Fscript%253E",
        ], benign: [
            "/search?q=red+alert+(2000+film)",
            "/search?q=javascript%3A+the+good+parts",
            "/search?q=a+%3C+b+and+c+%3E+d",
            "/search?q=how+to+use+onload+event",
            "/blog/scripting-languages-compared",
            "/p?desc=one%3Dtwo",
            "/docs?page=svg-basics",
            "/search?q=confirm+my+order",
        ])
    }

    func testReferer() {
        XCTAssertNotNil(WebTest.detect("GET / HTTP/1.1", referer: "http://x.example/?q=<script>alert(1)</script>")[CrossSiteScripting.rule.id])
    }
}
