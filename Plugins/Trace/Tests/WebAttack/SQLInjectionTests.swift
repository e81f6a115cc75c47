import DSToolKit
import XCTest
@testable import DSToolTrace

final class SQLInjectionTests: XCTestCase {
    func testAttacks() {
        WebTest.check(SQLInjection.rule.id, attacks: [
            "/item.php?id=1%20UNION%20SELECT%20username,password%20FROM%20users--",
            "/item.php?id=1+union+all+select+1,2,3--",
            "/item.php?id=1/**/UNION/**/SELECT/**/1,2",
            "/item.php?id=-1/*!50000union*//*!50000select*/1,2,3",
            "/login?user=admin%27%20or%20%271%27%3D%271&pass=x",
            "/login?user=admin'--&pass=x",
            "/login?user=%22%20or%20%22%22%3D%22",
            "/p?id=1%20AND%201%3D1--",
            "/p?id=1)%20or%20(1=1",
            "/p?id=1;WAITFOR%20DELAY%20'0:0:5'--",
            "/p?id=1%20and%20sleep(5)",
            "/p?id=1'%20and%20benchmark(5000000,md5(1))--",
            "/p?id=1;DROP%20TABLE%20users--",
            "/p?id=1%20and%20extractvalue(1,concat(0x7e,version()))",
            "/p?q=x'%20union%20select%20table_name%20from%20information_schema.tables--",
            "/p?id=1%20into%20outfile%20'/var/www/s.php'",
            "/p?id=1;exec%20xp_cmdshell('dir')--",
            "/p?id=1%20order%20by%2010--",
            "/p?id=%2527%2520or%25201%253D1--",
            "/p?id=1%20and%20if(ascii(substring(database(),1,1))>100,sleep(3),0)",
            "/p?id=select%20name,email%20from%20users",
            "/p?id=1%20and%20@@version--",
        ], benign: [
            "/search?q=select+your+plan",
            "/search?q=union+square+hotels",
            "/books?q=O%27Reilly+media",
            "/search?q=%22best+pizza%22+near+me",
            "/search?q=it%27s+fine+or+not",
            "/products?sort=price&order=desc",
            "/api/v1/users/1234/orders?limit=50&offset=100",
            "/blog/how-to-select-a-plan-from-our-list",
            "/search?q=sleep+apnea+treatment",
            "/search?q=drop+shipping+table",
            "/docs/sql/select-statement",
            "/p?where=home&from=work",
            "/search?q=%22a%22+or+%22b%22",
            "/forum?topic=1&sort=asc&page=2",
        ])
    }

    func testUserAgentPayload() {
        XCTAssertNotNil(WebTest.detect("GET / HTTP/1.1", agent: "x' union select password from users-- ")[SQLInjection.rule.id])
        XCTAssertNil(WebTest.detect("GET / HTTP/1.1", agent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")[SQLInjection.rule.id])
    }
}
