package kgbuild.neo4jlocal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.server.CommunityBootstrapper;
import picocli.CommandLine;

/**
 * Runs a Neo4j Community server (Bolt, HTTP, Browser, APOC from the classpath) the way the
 * official {@code neo4j console} script does, plus one thing the script cannot do without a
 * second tool: it makes the {@code neo4j} user's password equal to {@code $NEO4J_PASSWORD}
 * on every start, so the password lives in the environment (or .env) and never in code.
 *
 * <p>Usage: {@code java -cp ... kgbuild.neo4jlocal.Launcher <home-dir> <neo4j.conf>}. The
 * password comes from the environment, not argv, so it does not show up in {@code ps}.
 * The bootstrapper installs its own SIGTERM/SIGINT shutdown hook, which stops the databases
 * cleanly; this class only prints a ready line that kgbuild/neo4j_local.py waits for.
 */
public final class Launcher {
    /** kgbuild/neo4j_local.py looks for this prefix in the console log. */
    static final String READY = "KGBUILD-NEO4J-READY";
    static final String FAILED = "KGBUILD-NEO4J-FAILED";

    private Launcher() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println(FAILED + " usage: Launcher <home-dir> <neo4j.conf>");
            System.exit(2);
        }
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.isEmpty()) {
            System.err.println(FAILED + " NEO4J_PASSWORD is not set in the launcher's environment");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path conf = Path.of(args[1]).toAbsolutePath();

        // A new store: hand the password to Neo4j the way `neo4j-admin dbms set-initial-password`
        // does (data/dbms/auth.ini, read when the system database is created). This avoids a
        // Cypher ALTER USER on a cold JVM, which costs 15-20 s on a busy 2-core machine.
        boolean newStore = !Files.exists(home.resolve("data").resolve("databases").resolve("system"));
        if (newStore) {
            int rc = new CommandLine(new SetInitialPasswordCommand(new ExecutionContext(home, conf.getParent())))
                    .execute(password);
            if (rc != 0) {
                System.err.println(FAILED + " set-initial-password failed with status " + rc);
                System.exit(3);
            }
        }

        CommunityBootstrapper bootstrapper = new CommunityBootstrapper();
        // expandCommands=false: no $(...) in neo4j.conf. daemonMode=true: Neo4j writes its
        // user log to <home>/logs/neo4j.log itself; stdout (redirected by the Python side to
        // <home>/logs/console.log) keeps only our READY/FAILED lines and JVM errors.
        int status = bootstrapper.start(home, conf, Map.of(), false, true);
        if (status != 0) {
            System.err.println(FAILED + " server did not start, exit status " + status);
            System.exit(status);
        }
        try {
            // The first Cypher statement on a cold JVM costs seconds, so skip the ALTER when
            // this store already got this password from us (marker lives in data/, so a
            // --fresh wipe also clears it).
            Path dbms = home.resolve("data").resolve("dbms");
            Path marker = dbms.resolve(MARKER);
            Files.deleteIfExists(dbms.resolve("kgbuild-password.sha256")); // unsalted, fast: gone
            boolean current = newStore
                    || (Files.isRegularFile(marker) && matches(Files.readString(marker).trim(), password));
            if (!current) {
                setPassword(bootstrapper.getDatabaseManagementService(), password);
            }
            if (!current || newStore) {
                writePrivate(marker, hash(password) + "\n");
            }
        } catch (RuntimeException | IOException e) {
            System.err.println(FAILED + " could not set the neo4j user's password: " + e.getMessage());
            bootstrapper.stop();
            System.exit(3);
        }
        System.out.println(READY + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        // The server's own threads keep the JVM alive; park main so it never returns early.
        Thread.currentThread().join();
    }

    /** The marker of "this store already has this password": a salted, slow PBKDF2 hash. */
    static final String MARKER = "kgbuild-password.pbkdf2";
    static final String SCHEME = "pbkdf2-sha256";
    /** OWASP's 2021 figure for PBKDF2-HMAC-SHA256; about 0.2 s once per start. */
    static final int ITERATIONS = 310_000;

    /** {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>} with a random 16-byte salt. */
    static String hash(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    /** Whether {@code stored} (as {@link #hash} writes it) is the hash of {@code password}. */
    static boolean matches(String stored, String password) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Write {@code text} to {@code path} readable by its owner only (0600), replacing it atomically. */
    static void writePrivate(Path path, String text) throws IOException {
        Files.createDirectories(path.getParent());
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Embedded transactions run with full rights, so this works on a fresh store (where the
     * default password "neo4j" must be changed) and after a user changed NEO4J_PASSWORD.
     */
    static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to the value it already has: that is the
            // normal case on every restart, not an error.
            String message = String.valueOf(e.getMessage());
            if (!message.contains("cannot be the same")) {
                throw e;
            }
        }
    }
}
