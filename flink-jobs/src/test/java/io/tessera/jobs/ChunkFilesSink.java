package io.tessera.jobs;

import io.tessera.records.TokenChunk;
import io.tessera.schemas.RecordCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * An at-least-once test sink: every chunk any attempt of any subtask emits is appended to a file of its
 * own ({@code chunks-<subtask>-<attempt>}), so a test sees repeats after a failover as a Kafka consumer would.
 */
final class ChunkFilesSink implements Sink<TokenChunk> {

    private final String dir;

    ChunkFilesSink(Path dir) {
        this.dir = dir.toAbsolutePath().toString();
    }

    @Override
    public SinkWriter<TokenChunk> createWriter(WriterInitContext context) throws IOException {
        Path file = Path.of(dir, "chunks-" + context.getTaskInfo().getIndexOfThisSubtask() + "-"
                + context.getTaskInfo().getAttemptNumber());
        BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        RecordCodec<TokenChunk> codec = RecordCodec.of(TokenChunk.class);
        return new SinkWriter<>() {
            @Override
            public void write(TokenChunk chunk, Context ctx) throws IOException {
                out.write(Base64.getEncoder().encodeToString(codec.encode(chunk)));
                out.newLine();
                out.flush();
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    /** Every chunk written to {@code dir}, all files, in file order. */
    static List<TokenChunk> read(Path dir) throws IOException {
        RecordCodec<TokenChunk> codec = RecordCodec.of(TokenChunk.class);
        List<TokenChunk> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
                    out.add(codec.decode(Base64.getDecoder().decode(line)));
                }
            }
        }
        return out;
    }
}
