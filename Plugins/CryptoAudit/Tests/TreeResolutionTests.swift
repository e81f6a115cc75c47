import DSToolKit
import XCTest
@testable import DSToolCryptoAudit

/// The two-pass design: names defined in one file (constants, .properties, .yaml, .env) and used
/// in another are resolved across the tree.
final class TreeResolutionTests: XCTestCase {
    func testConstantsOfAnotherFile() throws {
        let tree = TempTree([
            "src/main/java/demo/CryptoConstants.java": """
            package demo;
            public final class CryptoConstants {
                public static final String CIPHER = "DESede/ECB/PKCS5Padding";
                public static final int RSA_BITS = 1024;
                public static final String SECRET_KEY = "0123456789abcdef";
            }
            """,
            "src/main/java/demo/Service.java": """
            package demo;
            class Service {
                void a() throws Exception {
                    Cipher c = Cipher.getInstance(CryptoConstants.CIPHER);
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(CryptoConstants.RSA_BITS);
                    SecretKeySpec k = new SecretKeySpec(CryptoConstants.SECRET_KEY.getBytes(), "DESede");
                }
            }
            """,
        ])
        XCTAssertEqual(try treeFindings(tree), [
            "crypto.cipher.broken src/main/java/demo/Service.java:4 3DES-ECB", "crypto.cipher.ecb src/main/java/demo/Service.java:4 3DES-ECB",
            "crypto.key.size src/main/java/demo/Service.java:6 RSA-1024", "crypto.key.hardcoded src/main/java/demo/Service.java:7",
        ])
    }

    func testPropertiesYamlAndEnvValues() throws {
        let tree = TempTree([
            "app/src/main/resources/application.properties": "crypto.cipher=Blowfish/CBC/PKCS5Padding\nserver.ssl.enabled-protocols=TLSv1,TLSv1.2\nserver.ssl.key-store-password=changeit\nsso.url=http://sso.corp.cn/login\n",
            "app/src/main/resources/application.yml": "crypto:\n  digest: SHA-1\n  # digest: MD5\nother:\n  digest: SHA-256\n",
            "app/src/main/java/A.java": """
            class A {
                @Value("${crypto.digest}") private String digest;
                @Value("${crypto.mode:AES/GCM/NoPadding}") private String mode;
                void a(Properties props) throws Exception {
                    Cipher.getInstance(props.getProperty("crypto.cipher"));
                    MessageDigest.getInstance(digest);
                    Cipher.getInstance(mode);
                    Cipher.getInstance(props.getProperty("crypto.missing", "RC4"));
                }
            }
            """,
            "svc/.env": "HASH_ALG=md5\nTLS_MIN=TLSv1.1\n",
            "svc/app.py": "import hashlib, os\ndef sign(payload):\n    return hashlib.new(os.environ[\"HASH_ALG\"], payload).hexdigest()\ndef h(x):\n    return hashlib.new(os.getenv(\"OTHER_ALG\", \"sha256\"), x)\n",
        ])
        XCTAssertEqual(try treeFindings(tree).sorted(), [
            "crypto.protocol.weak app/src/main/resources/application.properties:2 TLSv1.0",
            "crypto.password.hardcoded app/src/main/resources/application.properties:3",
            "crypto.http.plaintext app/src/main/resources/application.properties:4",
            "crypto.hash.weak app/src/main/java/A.java:6 SHA-1",
            "crypto.cipher.broken app/src/main/java/A.java:5 Blowfish-CBC",
            "crypto.cipher.broken app/src/main/java/A.java:8 RC4",
            "crypto.hash.weak svc/app.py:3 MD5",
        ].sorted())
    }

    func testAmbiguousConstantsResolveToNothing() throws {
        // Two files define ALG differently: the audit does not guess.
        let tree = TempTree([
            "a/One.java": "class One { static final String ALG = \"DES\"; }",
            "b/Two.java": "class Two { static final String ALG = \"AES/GCM/NoPadding\"; }",
            "c/Use.java": "class Use { void a() throws Exception { Cipher.getInstance(One.ALG); } }",
        ])
        XCTAssertEqual(try treeFindings(tree), [])
    }
}
