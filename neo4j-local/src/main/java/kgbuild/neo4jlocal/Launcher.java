package kgbuild.neo4jlocal;

import java.nio.file.Path;
import java.util.Map;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.server.CommunityBootstrapper;

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

        CommunityBootstrapper bootstrapper = new CommunityBootstrapper();
        // expandCommands=false: no $(...) in neo4j.conf; daemonMode=false: log to stdout,
        // which the Python side redirects to <home>/logs/neo4j.log.
        int status = bootstrapper.start(home, conf, Map.of(), false, false);
        if (status != 0) {
            System.err.println(FAILED + " server did not start, exit status " + status);
            System.exit(status);
        }
        try {
            setPassword(bootstrapper.getDatabaseManagementService(), password);
        } catch (RuntimeException e) {
            System.err.println(FAILED + " could not set the neo4j user's password: " + e.getMessage());
            bootstrapper.stop();
            System.exit(3);
        }
        System.out.println(READY + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        // The server's own threads keep the JVM alive; park main so it never returns early.
        Thread.currentThread().join();
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
