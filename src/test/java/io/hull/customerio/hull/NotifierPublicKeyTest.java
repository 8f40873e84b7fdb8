package io.hull.customerio.hull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hull.customerio.config.InvalidSettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.DefaultResourceLoader;

/** What hull.notifier.public-key may hold, read from real files. */
class NotifierPublicKeyTest {

    @Test
    void aPublicKeyAtAPlainPathOrAFileLocation(@TempDir Path directory) throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        Path pem = Files.writeString(directory.resolve("hull.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));

        assertThat(NotifierPublicKey.read(pem.toString(), new DefaultResourceLoader())).isEqualTo(pair.getPublic());
        assertThat(NotifierPublicKey.read("file:" + pem, new DefaultResourceLoader())).isEqualTo(pair.getPublic());
    }

    @Test
    void aCertificateGivesItsPublicKey(@TempDir Path directory) throws Exception {
        Path store = directory.resolve("store.p12");
        Path certificate = directory.resolve("hull.crt");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-keyalg", "RSA", "-alias", "hull", "-dname", "CN=hull", "-keystore", store.toString(),
                "-storepass", "changeit", "-storetype", "PKCS12");
        run(keytool, "-exportcert", "-rfc", "-alias", "hull", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", certificate.toString());

        assertThat(NotifierPublicKey.read(certificate.toString(), new DefaultResourceLoader()).getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void whatIsNotAnRsaPublicKeySaysWhatItIs(@TempDir Path directory) throws Exception {
        Path pkcs1 = Files.writeString(directory.resolve("pkcs1.pem"), pem("RSA PUBLIC KEY", new byte[] {1, 2, 3}));
        Path ec = Files.writeString(directory.resolve("ec.pem"),
                pem("PUBLIC KEY", KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic().getEncoded()));

        assertThatThrownBy(() -> NotifierPublicKey.read(pkcs1.toString(), new DefaultResourceLoader()))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("PKCS#1")
                .hasMessageContaining("openssl rsa -RSAPublicKey_in");
        assertThatThrownBy(() -> NotifierPublicKey.read(ec.toString(), new DefaultResourceLoader()))
                .hasMessageStartingWith("hull.notifier.public-key: file:" + ec + " holds a PUBLIC KEY block that is not an RSA public key");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }
}
