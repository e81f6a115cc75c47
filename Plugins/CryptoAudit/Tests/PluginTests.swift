import DSToolCore
import DSToolKit
import Foundation
import XCTest
@testable import DSToolCryptoAudit

/// The command through the real host: options, coverage, languages, encodings, archives, hostile input.
final class PluginTests: XCTestCase {
    func coverage(_ r: InProcess.Result) -> [String: [String: Int64]] {
        let v = r.data.first { $0.kind == "cryptoaudit.coverage" }?.value["layers"]?.objectValue ?? [:]
        return v.mapValues { o in
            var out: [String: Int64] = [:]
            for k in ["national", "acceptable", "weak", "forbidden"] { out[k] = o[k]?.intValue }
            return out
        }
    }

    func testCoveragePerLayer() throws {
        let tree = TempTree([
            "src/A.java": "class A { void a() throws Exception { Cipher.getInstance(\"SM4/GCM/NoPadding\"); MessageDigest.getInstance(\"MD5\"); MessageDigest.getInstance(\"SM3\"); } }",
            "etc/nginx/nginx.conf": "ssl_protocols TLSv1.2; ssl_ciphers ECC-SM4-SM3;",
            "etc/ssh/sshd_config": "Ciphers aes256-ctr\n",
        ])
        let r = try runAudit([tree.root])
        XCTAssertEqual(coverage(r), [
            "network": ["national": 1, "acceptable": 1, "weak": 0, "forbidden": 0],
            "host": ["national": 0, "acceptable": 1, "weak": 0, "forbidden": 0],
            "application": ["national": 1, "acceptable": 0, "weak": 0, "forbidden": 1],
            "data": ["national": 1, "acceptable": 0, "weak": 0, "forbidden": 0],
        ])
        let v = try XCTUnwrap(r.data.first { $0.kind == "cryptoaudit.coverage" }?.value)
        XCTAssertEqual(v["layers"]?["network"]?["national_share"]?.doubleValue, 0.5)
        XCTAssertEqual(v["layers"]?["data"]?["clause"]?.stringValue, "GB/T 39786-2021 8.4 应用和数据安全")
        XCTAssertEqual(v["national_share"]?.doubleValue, 0.5)
        // Without the inventory only the coverage remains.
        let quiet = try runAudit(["--no-inventory", tree.root])
        XCTAssertEqual(quiet.data.map(\.kind), ["cryptoaudit.coverage"])
        XCTAssertEqual(r.data.filter { $0.kind == "cryptoaudit.asset" }.count, 6)
    }

    func testUsageErrors() throws {
        let cases: [([String], String)] = [
            (["--level", "5"], "--level: 5 is not a GB/T 39786 level (1–4)"),
            (["--as-of", "yesterday"], "--as-of: 'yesterday' is not a date (YYYY-MM-DD)"),
            (["--expiry-days", "-3"], "--expiry-days: must not be negative"),
            (["--tls-timeout", "0"], "--tls-timeout: '0' is not a number of seconds (0–600)"),
            (["--p12-password-file", "a", "--p12-password-env", "B"], "--p12-password-file and --p12-password-env: give one"),
        ]
        for (args, message) in cases {
            let r = try runAudit(args + ["."])
            XCTAssertEqual(r.exitCode, 2, "\(args)")
            XCTAssertEqual(r.errors.map(\.reason), [message])
        }
        let missing = try runAudit(["--p12-password-env", "CRYPTOAUDIT_NO_SUCH_VAR", "."])
        XCTAssertNotEqual(missing.exitCode, 0)
        XCTAssertEqual(missing.errors.count, 1)
    }

    func testLevelAndLanguage() throws {
        let tree = TempTree(["sshd_config": "Protocol 1\n"])
        let r = try runAudit(["--level", "2", tree.root])
        XCTAssertEqual(r.findings.first?.references, ["GB/T 39786-2021 5 通用要求", "GB/T 39786-2021 7.3 设备和计算安全", "商用密码应用安全性评估 高风险判定指引"])
        let zh = try InProcess.run(CryptoAuditPlugin.self, ["crypto-audit", "--lang", "zh", "--format", "text", "--no-color", "--no-inventory", tree.root])
        XCTAssertTrue(zh.report.contains("启用了 SSH-1"), zh.report)
        XCTAssertTrue(zh.report.contains("国密占比"), zh.report)
    }

    func testEncodingsLongLinesAndGarbage() throws {
        let tree = TempTree()
        // GB18030 Java with Chinese comments.
        let java = "// 加密工具类（旧实现）\nclass 工具 {\n  // 使用 DES\n  void a() throws Exception { Cipher.getInstance(\"DES/CBC/NoPadding\"); }\n}\n"
        tree.write("gb/Tool.java", Array(java.data(using: String.Encoding(rawValue: 0x80000632))!))
        // UTF-16LE Python with a BOM.
        tree.write("u16/app.py", [0xFF, 0xFE] + Array("import hashlib\nsecret = hashlib.md5(password)\n".data(using: .utf16LittleEndian)!))
        // A 2 MB minified line with the use at its end.
        tree.write("min/app.min.js", Array((String(repeating: "var a=1;", count: 262_144) + "crypto.createHash('md5').update(password);").utf8))
        // Garbage that claims to be source, an empty file, NUL bytes in Python.
        var x: UInt32 = 5
        tree.write("junk/Bad.java", (0..<100_000).map { _ in x = x &* 1103515245 &+ 12345; return UInt8(x >> 24) })
        tree.write("junk/Empty.cs", [])
        tree.write("junk/nul.py", Array("import hashlib\n\0\0\0 hashlib.sha1(token)\n".utf8))
        let r = try runAudit(["--no-inventory", tree.root])
        XCTAssertEqual(r.errors.map(\.line), [])
        let got = r.findings.map { "\($0.ruleId) \($0.location.input.replacingOccurrences(of: tree.root + "/", with: "")):\($0.location.line ?? 0)" }
        XCTAssertEqual(got.sorted(), [
            "crypto.cipher.broken gb/Tool.java:4", "crypto.hash.weak junk/nul.py:2", "crypto.hash.weak min/app.min.js:1", "crypto.hash.weak u16/app.py:2",
        ])
    }

    func testArchiveEntriesKeepTheirChain() throws {
        let tree = TempTree(["src/A.java": "class A { void a() throws Exception { Cipher.getInstance(\"RC4\"); } }\n"])
        XCTAssertEqual(tree.sh("tar czf backup.tar.gz src && rm -r src").status, 0)
        let r = try runAudit(["--no-inventory", tree.path("backup.tar.gz")])
        XCTAssertEqual(r.findings.map(\.ruleId), ["crypto.cipher.broken"])
        XCTAssertEqual(r.findings.first?.location.chain?.last, "src/A.java")
        XCTAssertTrue(r.findings.first?.location.input.hasSuffix("backup.tar.gz!src/A.java") ?? false, r.findings.first?.location.input ?? "")
    }

    /// `--format cbom` writes the CBOM to standard output (captured here by redirecting fd 1).
    func testFormatCBOMOnStdout() throws {
        let tree = TempTree(["nginx.conf": "ssl_protocols TLSv1.2 TLSv1.3;\n"])
        let out = tree.path("stdout.json")
        let fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let saved = dup(STDOUT_FILENO)
        fflush(stdout)
        dup2(fd, STDOUT_FILENO)
        let r = try InProcess.run(CryptoAuditPlugin.self, ["crypto-audit", "--format", "cbom", tree.root])
        fflush(stdout)
        dup2(saved, STDOUT_FILENO)
        close(saved); close(fd)
        XCTAssertEqual(r.exitCode, 0)
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any]
        XCTAssertEqual(doc?["specVersion"] as? String, "1.6")
        XCTAssertEqual((doc?["components"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["TLSv1.2", "TLSv1.3"])
    }
}

/// Resolving, judging and writing findings runs on the workers with --jobs > 1; the records must
/// be those of one job, in the same order.
final class PluginJobsTests: XCTestCase {
    func testRecordsAreTheSameWithAnyNumberOfJobs() throws {
        var files: [String: String] = [
            "conf/app.properties": "crypto.alg=DES/ECB/PKCS5Padding\ndigest=MD5\n",
            "etc/sshd_config": "Ciphers aes128-cbc,3des-cbc\nProtocol 1\n",
            "src/Constants.java": "class Constants { static final String HASH = \"SHA-1\"; static final String KEY = \"0123456789abcdef\"; }\n",
        ]
        for i in 0..<240 {
            switch i % 6 {
            case 0: files["src/j\(i)/A.java"] = "class A { void a() throws Exception { Cipher.getInstance(\"DES/CBC/PKCS5Padding\"); MessageDigest.getInstance(Constants.HASH); } }\n"
            case 1: files["src/p\(i)/a.py"] = "import hashlib\ndef token():\n    return hashlib.md5(password).hexdigest()\n"
            case 2: files["src/g\(i)/a.go"] = "package a\nimport \"crypto/md5\"\nfunc F() { md5.Sum(data); _ = &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10} }\n"
            case 3: files["src/c\(i)/a.c"] = "void f() { EVP_EncryptInit_ex(ctx, EVP_des_ede3_cbc(), NULL, key, iv); EVP_DigestInit_ex(md, EVP_md5(), NULL); }\n"
            case 4: files["src/k\(i)/K.java"] = "class K { void k() throws Exception { String alg = props.getProperty(\"crypto.alg\"); Cipher.getInstance(alg); new SecretKeySpec(Constants.KEY.getBytes(), \"AES\"); } }\n"
            default: files["src/n\(i)/a.js"] = "const h = crypto.createHash('sha1'); const r = Math.random().toString(36);\n"
            }
        }
        let tree = TempTree(files)
        func records(_ jobs: Int) throws -> (findings: [Finding], data: [DataRecord]) {
            let r = try runAudit(["--jobs", String(jobs), tree.root])
            XCTAssertEqual(r.errors.map(\.line), [])
            return (r.findings, r.data)
        }
        let one = try records(1)
        XCTAssertGreaterThan(one.findings.count, 400)
        // Values that arrive through other files are resolved in every file.
        XCTAssertTrue(one.findings.contains { $0.location.input.hasSuffix("K.java") && $0.ruleId == "crypto.cipher.broken" })
        XCTAssertTrue(one.findings.contains { $0.location.input.hasSuffix("K.java") && $0.ruleId == "crypto.key.hardcoded" })
        for jobs in [2, 3] {
            let many = try records(jobs)
            XCTAssertEqual(many.findings, one.findings, "--jobs \(jobs)")
            XCTAssertEqual(many.data, one.data, "--jobs \(jobs)")
        }
    }
}

/// The run remembers verdicts by what was seen (algorithms and described settings); each finding
/// must still be what judging its observation afresh gives (the engine's `auditSource` judges
/// every observation anew).
final class RememberedVerdictTests: XCTestCase {
    func testRememberedVerdictsGiveWhatFreshJudgingGives() throws {
        let files: [String: String] = [
            "a/R.java": "class R {\n  int roll() { return new Random().nextInt(6); }\n  String token() { return Long.toHexString(new Random().nextLong()); }\n"
                + "  void k() throws Exception { SecretKeySpec k = new SecretKeySpec(\"0123456789abcdef\".getBytes(), \"AES\"); IvParameterSpec iv = new IvParameterSpec(new byte[16]); }\n}\n",
            "a/S.java": "class S {\n  String sessionId() { return Long.toHexString(new Random().nextLong()); }\n"
                + "  void k() throws Exception { SecretKeySpec k = new SecretKeySpec(\"fedcba9876543210fedcba98\".getBytes(), \"DESede\"); IvParameterSpec iv = new IvParameterSpec(new byte[8]); }\n}\n",
            "b/r.js": "const t = Math.random().toString(36);\nconst a = new https.Agent({ rejectUnauthorized: false });\n",
            "c/one.go": "package c\nfunc F() { cfg := &tls.Config{InsecureSkipVerify: true}; _ = cfg }\n",
            "c/two.go": "package c\n\nfunc G() {\n\tcfg := &tls.Config{InsecureSkipVerify: true}\n\t_ = cfg\n}\n",
            "d/app.py": "import random, requests\ndef f(url):\n    token = random.choice(alphabet)\n    requests.get(url, verify=False)\n    requests.post(url, verify=False)\n",
        ]
        let tree = TempTree(files)
        let r = try runAudit(["--no-inventory", tree.root])
        XCTAssertEqual(r.errors.map(\.line), [])
        func key(_ f: Finding) -> String {
            "\(f.ruleId) \(f.location.line ?? 0):\(f.location.column ?? 0) \(f.severity) \(f.message?.en ?? "") | \(f.message?.zh ?? "") "
                + "\(DSJSON.string(f.properties)) \(f.evidence ?? "") \(f.references ?? []) \(f.confidence ?? -1)"
        }
        var seenRules = Set<String>()
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let fresh = CryptoAuditEngine.auditSource(name: name, text: text).map(key)
            let run = r.findings.filter { $0.location.input == tree.path(name) }.map(key)
            XCTAssertEqual(run, fresh, name)
            XCTAssertFalse(fresh.isEmpty, name)
            for f in r.findings where f.location.input == tree.path(name) { seenRules.insert(f.ruleId) }
        }
        // The described settings the cache keys on are all among them.
        XCTAssertTrue(["crypto.random.weak", "crypto.key.hardcoded", "crypto.iv.static", "crypto.tls.no-cert-validation"].allSatisfy(seenRules.contains), "\(seenRules)")
    }
}
