package io.tessera.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A strict parser of {@code multipart/form-data} bodies (RFC 7578) held in memory; the body size is bounded. */
final class Multipart {

    /** One part: its form field name, the file name if any, its content type if any, and its bytes. */
    record Part(String name, String filename, String contentType, byte[] data) {}

    private Multipart() {}

    /** The boundary parameter of a multipart content type. */
    static String boundary(String contentType) {
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring("boundary=".length()).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                if (!b.isEmpty() && b.length() <= 200) {
                    return b;
                }
            }
        }
        throw ApiException.badRequest("multipart/form-data needs a boundary parameter in Content-Type");
    }

    static List<Part> parse(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw ApiException.badRequest("multipart body does not contain its boundary");
        }
        byte[] nextDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        pos += delimiter.length;
        while (true) {
            if (startsWith(body, pos, "--")) {
                return parts; // closing delimiter
            }
            if (!startsWith(body, pos, "\r\n")) {
                throw ApiException.badRequest("malformed multipart body: expected CRLF after a boundary");
            }
            pos += 2;
            int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
            if (headerEnd < 0) {
                throw ApiException.badRequest("malformed multipart body: a part has no header end");
            }
            String headers = new String(body, pos, headerEnd - pos, StandardCharsets.UTF_8);
            int dataStart = headerEnd + 4;
            int dataEnd = indexOf(body, nextDelimiter, dataStart);
            if (dataEnd < 0) {
                throw ApiException.badRequest("malformed multipart body: missing closing boundary");
            }
            parts.add(part(headers, Arrays.copyOfRange(body, dataStart, dataEnd)));
            pos = dataEnd + nextDelimiter.length;
        }
    }

    private static Part part(String headers, byte[] data) {
        String name = null;
        String filename = null;
        String contentType = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (key.equals("content-disposition")) {
                name = param(value, "name");
                filename = param(value, "filename");
            } else if (key.equals("content-type")) {
                contentType = value;
            }
        }
        if (name == null || name.isEmpty()) {
            throw ApiException.badRequest("a multipart part has no Content-Disposition name");
        }
        return new Part(name, filename, contentType, data);
    }

    private static String param(String disposition, String key) {
        for (String p : disposition.split(";")) {
            String t = p.trim();
            int eq = t.indexOf('=');
            if (eq > 0 && t.substring(0, eq).trim().equalsIgnoreCase(key)) {
                String v = t.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] body, int pos, String s) {
        if (pos + s.length() > body.length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (body[pos + i] != (byte) s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
