package dev.dmsflow.support.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** 401 and 403 as the API's other errors are: a JSON body with what went wrong, never an HTML page or an empty body. */
class JsonSecurityErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final boolean bearer;

    /** @param bearer whether bearer tokens are accepted too, which the 401's challenge then names */
    JsonSecurityErrors(boolean bearer) {
        this.bearer = bearer;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        response.addHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"dmsflow\"");
        if (bearer) {
            response.addHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"dmsflow\"");
        }
        // the exception's own message may echo a token's claims; these say enough
        String error = request.getHeader(HttpHeaders.AUTHORIZATION) == null
                ? "authentication required: send HTTP Basic credentials" + (bearer ? " or a bearer token" : "")
                : "the credentials or the token were not accepted";
        write(response, HttpServletResponse.SC_UNAUTHORIZED, error);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
        write(response, HttpServletResponse.SC_FORBIDDEN, "forbidden: " + request.getMethod() + " " + request.getRequestURI()
                + " needs a role this user does not have");
    }

    private static void write(HttpServletResponse response, int status, String error) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"error\":\"" + escape(error) + "\",\"status\":" + status + "}");
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
