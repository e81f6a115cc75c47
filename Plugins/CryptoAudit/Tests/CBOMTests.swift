import DSToolCore
import DSToolKit
import Foundation
import XCTest
@testable import DSToolCryptoAudit

/// The CycloneDX 1.6 CBOM: validated against the official schema (bom-1.6 with its spdx and jsf
/// schemas registered locally, nothing fetched), references resolve, output is reproducible.
final class CBOMTests: XCTestCase {
    /// shared/testdata/schemas/cyclonedx, found above the package root (worktrees sit deeper).
    static func schemaDir() throws -> String {
        if let env = ProcessInfo.processInfo.environment["DSTOOL_CYCLONEDX_SCHEMAS"] { return env }
        var dir = ManifestTests.root
        for _ in 0..<5 {
            let c = dir.deletingLastPathComponent().appendingPathComponent("shared/testdata/schemas/cyclonedx")
            if FileManager.default.fileExists(atPath: c.appendingPathComponent("bom-1.6.schema.json").path) { return c.path }
            dir.deleteLastPathComponent()
        }
        if FileManager.default.fileExists(atPath: "/work/shared/testdata/schemas/cyclonedx/bom-1.6.schema.json") { return "/work/shared/testdata/schemas/cyclonedx" }
        throw XCTSkip("shared/testdata/schemas/cyclonedx not found")
    }

    static let validator = """
    import json, sys
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource
    d = sys.argv[1]
    schemas = [json.load(open(d + "/" + n)) for n in ("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json")]
    registry = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in schemas])
    # Relative references ("spdx.schema.json") resolve against bom-1.6's $id, i.e. to the resources above.
    v = Draft7Validator(schemas[0], registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)
    errors = sorted(v.iter_errors(json.load(open(sys.argv[2]))), key=lambda e: list(e.path))
    for e in errors[:10]:
        print("/".join(str(p) for p in e.path), e.message[:200])
    sys.exit(1 if errors else 0)
    """

    func validate(_ path: String) throws -> (Int32, String) {
        let tree = TempTree()
        let r = tree.sh("python3 -c '\(Self.validator.replacingOccurrences(of: "'", with: "'\\''"))' '\(try Self.schemaDir())' '\(path)'")
        return (r.status, r.output)
    }

    func makeTree() -> TempTree {
        let tree = TempTree([
            "src/Crypto.java": """
            class Crypto {
                void a() throws Exception {
                    Cipher.getInstance("SM4/CBC/PKCS7Padding");
                    Cipher.getInstance("DES/CBC/PKCS5Padding");
                    MessageDigest.getInstance("MD5");
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA"); g.initialize(1024);
                    SSLContext.getInstance("TLSv1.2");
                }
            }
            """,
            "etc/nginx/nginx.conf": "server { ssl_protocols TLSv1 TLSv1.2; ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:ECC-SM4-SM3; }\n",
            "etc/ssh/sshd_config": "Ciphers aes256-ctr,3des-cbc\n",
        ])
        XCTAssertEqual(tree.sh("openssl ecparam -genkey -name SM2 -noout -out certs/sm2.key 2>/dev/null || (mkdir -p certs && openssl ecparam -genkey -name SM2 -noout -out certs/sm2.key)").status, 0)
        XCTAssertEqual(tree.sh("openssl req -x509 -new -key certs/sm2.key -sm3 -sigopt distid:1234567812345678 -subj /CN=sm2 -days 3650 -out certs/sm2.crt").status, 0)
        tree.write("bin/app", BinaryTests.elf(needed: ["libssl.so.1.0.0"], payload: Array("OpenSSL 1.0.2u  20 Dec 2019\0".utf8) + BinaryTests.sm4SBox))
        return tree
    }

    func testCBOMValidatesAndIsComplete() throws {
        let tree = makeTree()
        let out = tree.path("out.cbom.json")
        let r = try runAudit(["--as-of", "2026-06-01", "--cbom", out, tree.root])
        XCTAssertEqual(r.errors.map(\.line), [])
        let (status, msg) = try validate(out)
        XCTAssertEqual(status, 0, msg)

        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as! [String: Any]
        XCTAssertEqual(doc["bomFormat"] as? String, "CycloneDX")
        XCTAssertEqual(doc["specVersion"] as? String, "1.6")
        let comps = doc["components"] as! [[String: Any]]
        var byRef: [String: [String: Any]] = [:]
        for c in comps { byRef[c["bom-ref"] as! String] = c }
        XCTAssertEqual(byRef.count, comps.count, "bom-refs are unique")
        func props(_ c: [String: Any]) -> [String: String] {
            Dictionary(uniqueKeysWithValues: ((c["properties"] as? [[String: String]]) ?? []).map { ($0["name"]!, $0["value"]!) })
        }
        func crypto(_ c: [String: Any]) -> [String: Any] { c["cryptoProperties"] as? [String: Any] ?? [:] }
        let types = Set(comps.compactMap { crypto($0)["assetType"] as? String })
        XCTAssertEqual(types, ["algorithm", "certificate", "protocol", "related-crypto-material"])

        let sm4 = try XCTUnwrap(comps.first { $0["name"] as? String == "SM4-CBC" })
        XCTAssertEqual(props(sm4)["dstool:classification"], "national")
        let ap = crypto(sm4)["algorithmProperties"] as! [String: Any]
        XCTAssertEqual(ap["primitive"] as? String, "block-cipher")
        XCTAssertEqual(ap["mode"] as? String, "cbc")
        XCTAssertEqual(crypto(sm4)["oid"] as? String, "1.2.156.10197.1.104")

        let des = try XCTUnwrap(comps.first { $0["name"] as? String == "DES-CBC" })
        XCTAssertEqual(props(des)["dstool:classification"], "forbidden")
        XCTAssertEqual(props(des)["dstool:findings"], "crypto.cipher.broken")
        let occ = ((des["evidence"] as! [String: Any])["occurrences"] as! [[String: Any]]).first!
        XCTAssertEqual(occ["line"] as? Int, 4)

        let tls10 = try XCTUnwrap(comps.first { $0["name"] as? String == "TLSv1.0" })
        let pp = crypto(tls10)["protocolProperties"] as! [String: Any]
        XCTAssertEqual(pp["type"] as? String, "tls")
        XCTAssertEqual(pp["version"] as? String, "1.0")
        XCTAssertEqual((pp["cipherSuites"] as! [[String: Any]]).compactMap { $0["name"] as? String }.sorted(), ["ECC-SM4-SM3", "ECDHE-RSA-AES128-GCM-SHA256"])

        let cert = try XCTUnwrap(comps.first { (crypto($0)["assetType"] as? String) == "certificate" })
        let cp = crypto(cert)["certificateProperties"] as! [String: Any]
        XCTAssertEqual(cp["subjectName"] as? String, "CN=sm2")
        let sigRef = try XCTUnwrap(cp["signatureAlgorithmRef"] as? String)
        XCTAssertEqual(byRef[sigRef]?["name"] as? String, "SM2-SM3-SM2")
        let keyRef = try XCTUnwrap(cp["subjectPublicKeyRef"] as? String)
        let key = crypto(byRef[keyRef]!)["relatedCryptoMaterialProperties"] as! [String: Any]
        XCTAssertEqual(key["type"] as? String, "public-key")
        XCTAssertNotNil(byRef[key["algorithmRef"] as! String])

        let priv = try XCTUnwrap(comps.first { ((crypto($0)["relatedCryptoMaterialProperties"] as? [String: Any])?["type"] as? String) == "private-key" })
        XCTAssertEqual(props(priv)["dstool:findings"], "crypto.key.unprotected")

        let lib = try XCTUnwrap(comps.first { $0["type"] as? String == "library" && $0["version"] as? String == "1.0.2u" })
        XCTAssertEqual(lib["name"] as? String, "OpenSSL")

        // Every reference points at a component.
        var refs: [String] = []
        func walk(_ v: Any) {
            if let d = v as? [String: Any] {
                for (k, x) in d { if k.hasSuffix("Ref"), let s = x as? String { refs.append(s) } else { walk(x) } }
            } else if let a = v as? [Any] { a.forEach(walk) }
        }
        walk(doc)
        XCTAssertGreaterThan(refs.count, 3)
        for r in refs { XCTAssertNotNil(byRef[r], "dangling \(r)") }
    }

    func testCBOMIsReproducible() throws {
        let tree = makeTree()
        _ = try runAudit(["--as-of", "2026-06-01", "--cbom", tree.path("a.json"), tree.root + "/src", tree.root + "/etc"])
        _ = try runAudit(["--as-of", "2026-06-01", "--cbom", tree.path("b.json"), tree.root + "/src", tree.root + "/etc"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: tree.path("a.json"))), try Data(contentsOf: URL(fileURLWithPath: tree.path("b.json"))))
    }

    /// The validator must be able to fail: a document with a wrong asset type is rejected.
    func testValidatorRejectsAnInvalidCBOM() throws {
        let tree = makeTree()
        let out = tree.path("bad.json")
        _ = try runAudit(["--cbom", out, tree.root + "/src"])
        var text = try String(contentsOfFile: out, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"assetType\" : \"algorithm\"", with: "\"assetType\" : \"spell\"")
        try text.write(toFile: out, atomically: true, encoding: .utf8)
        let (status, msg) = try validate(out)
        XCTAssertEqual(status, 1)
        XCTAssertTrue(msg.contains("'spell' is not one of"), msg)
    }
}
