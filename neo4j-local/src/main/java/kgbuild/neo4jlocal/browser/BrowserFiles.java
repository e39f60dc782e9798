package kgbuild.neo4jlocal.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import javax.ws.rs.GET;
import javax.ws.rs.OPTIONS;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.Response;

/**
 * Serves kgbuild's Neo4j Browser style ({@code kgbuild.grass}) and guide ({@code guide.html})
 * from the local server itself, as a Neo4j unmanaged extension mounted at {@code /kgbuild}
 * (see neo4j.conf.template: {@code server.unmanaged_extension_classes}). Browser then applies
 * them on connect through {@code browser.post_connect_cmd}: {@code :style <url>} and
 * {@code :play <url>} fetch these files with XMLHttpRequest.
 *
 * <p>Only plain file names from the folder in the {@code kgbuild.browser.dir} system property
 * are served (no sub-folders, no "..": the name must match {@link #NAME}). Every answer carries
 * CORS headers, so a Browser loaded from another origin (Neo4j Desktop, a Docker Neo4j on
 * another port) may fetch them too; {@code :play} sends {@code pragma} and {@code cache-control}
 * request headers, which makes a cross-origin fetch preflighted, hence the OPTIONS answer.
 */
@javax.ws.rs.Path("/")
public class BrowserFiles {
    static final String DIR_PROPERTY = "kgbuild.browser.dir";
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(grass|html|cypher)");
    static final Map<String, String> TYPES = Map.of(
            "grass", "text/plain; charset=utf-8",
            "html", "text/html; charset=utf-8",
            "cypher", "text/plain; charset=utf-8");

    @GET
    @javax.ws.rs.Path("{file}")
    public Response get(@PathParam("file") String file) {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null || !NAME.matcher(file).matches()) {
            return cors(Response.status(Response.Status.NOT_FOUND)).build();
        }
        Path path = Path.of(dir).resolve(file);
        if (!Files.isRegularFile(path)) {
            return cors(Response.status(Response.Status.NOT_FOUND)).build();
        }
        try {
            byte[] body = Files.readAllBytes(path);
            String ext = file.substring(file.lastIndexOf('.') + 1);
            return cors(Response.ok(body, TYPES.get(ext))).header("Cache-Control", "no-cache").build();
        } catch (IOException e) {
            return cors(Response.serverError()).build();
        }
    }

    @OPTIONS
    @javax.ws.rs.Path("{file}")
    public Response preflight(@PathParam("file") String file) {
        return cors(Response.noContent())
                .header("Access-Control-Allow-Methods", "GET, OPTIONS")
                .header("Access-Control-Allow-Headers", "pragma, cache-control, content-type, authorization")
                .header("Access-Control-Max-Age", "3600")
                .build();
    }

    private static Response.ResponseBuilder cors(Response.ResponseBuilder builder) {
        return builder.header("Access-Control-Allow-Origin", "*");
    }
}
