package io.tessera.ingest.cli;

import io.tessera.schemas.RecordDecodingException;
import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code tessera tail TOPIC}: the records of a Tessera topic as JSON lines (Avro's JSON view, {@code JsonCodec}),
 * read straight from Kafka with no consumer group (so it never moves anyone's offsets). Follows new records until
 * {@code --max} records were printed or {@code --idle} seconds pass without one; a record that does not decode is
 * reported on stderr and skipped.
 */
public final class TailCommand {

    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    static final Duration POLL = Duration.ofMillis(200);
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    static final String USAGE = """
            Usage: tessera tail TOPIC [--from-beginning | --offset N | --last N] [options]

            Prints the records of a Tessera topic as JSON lines, one record a line, and follows new ones.
            TOPIC is a full name (tessera.tokens) or the part after 'tessera.' (tokens). Topics: %s.

            Options:
              --from-beginning     start at the oldest record of each partition
              --offset N           start at offset N of each partition
              --last N             start N records before the end of each partition
                                   (default: only records written from now on)
              --key ID             only records with this key (a request id)
              --max N              stop after printing N records
              --idle SECONDS       stop after SECONDS without a new record (default: follow until interrupted)
              --meta               wrap each record: {"partition":..,"offset":..,"timestamp":..,"key":..,"value":{..}}
              --bootstrap HOST:PORT  Kafka (default: %s, where 'tessera up' puts it)
              -h, --help           this help

            %s""".formatted(Topics.ALL.stream().map(Topic::name).collect(Collectors.joining(", ")),
            DEFAULT_BOOTSTRAP, ExitCodes.HELP);

    /** Where to start in each partition. */
    enum Start { END, BEGINNING, OFFSET, LAST }

    /** Parsed options. {@code max} and {@code idle} are 0 when unbounded. */
    record Options(Topic<?> topic, Start start, long position, String key, long max, Duration idle, boolean meta,
                   String bootstrap) {}

    private TailCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; see {@link ExitCodes}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            CliArgs a = CliArgs.parse(args, Set.of("offset", "last", "key", "max", "idle", "bootstrap"),
                    Set.of("from-beginning", "meta"));
            if (a.flag("help")) {
                out.print(USAGE);
                return ExitCodes.OK;
            }
            o = options(a);
        } catch (UsageException e) {
            err.println("tessera tail: " + e.getMessage() + " (see tessera tail --help)");
            return ExitCodes.USAGE;
        }
        try {
            tail(o, out, err);
            return ExitCodes.OK;
        } catch (CommandFailure e) {
            err.println("tessera tail: " + e.getMessage());
            return e.exitCode();
        }
    }

    static Options options(CliArgs a) throws UsageException {
        if (a.positional().size() != 1) {
            throw new UsageException(a.positional().isEmpty() ? "the topic is missing: tessera tail TOPIC"
                    : "only one topic is allowed, got " + a.positional());
        }
        String name = a.positional().get(0);
        Topic<?> topic = Topics.byName(name).or(() -> Topics.byName("tessera." + name)).orElseThrow(() ->
                new UsageException("unknown topic '" + name + "'; one of " + Topics.ALL.stream().map(Topic::name)
                        .collect(Collectors.joining(", "))));
        int starts = (a.flag("from-beginning") ? 1 : 0) + (a.has("offset") ? 1 : 0) + (a.has("last") ? 1 : 0);
        if (starts > 1) {
            throw new UsageException("give only one of --from-beginning, --offset, --last");
        }
        Start start = a.flag("from-beginning") ? Start.BEGINNING : a.has("offset") ? Start.OFFSET
                : a.has("last") ? Start.LAST : Start.END;
        long position = start == Start.OFFSET ? a.longValue("offset", 0) : start == Start.LAST ? a.longValue("last", 0)
                : 0;
        if (position < 0) {
            throw new UsageException("--" + (start == Start.OFFSET ? "offset" : "last") + " must be >= 0, got "
                    + position);
        }
        long max = a.longValue("max", 0);
        if (a.has("max") && max < 1) {
            throw new UsageException("--max must be at least 1, got " + max);
        }
        long idle = a.longValue("idle", 0);
        if (a.has("idle") && idle < 1) {
            throw new UsageException("--idle must be at least 1 second, got " + idle);
        }
        String bootstrap = a.get("bootstrap", DEFAULT_BOOTSTRAP);
        if (!bootstrap.matches("[^\\s,:]+:\\d{1,5}(,[^\\s,:]+:\\d{1,5})*")) {
            throw new UsageException("--bootstrap must be HOST:PORT[,HOST:PORT...], got '" + bootstrap + "'");
        }
        return new Options(topic, start, position, a.has("key") ? a.get("key", null) : null, max,
                idle == 0 ? null : Duration.ofSeconds(idle), a.flag("meta"), bootstrap);
    }

    static void tail(Options o, PrintStream out, PrintStream err) throws CommandFailure {
        if (!anyReachable(o.bootstrap())) {
            throw new CommandFailure(ExitCodes.UNREACHABLE, "cannot reach Kafka at " + o.bootstrap()
                    + ": start it with bin/tessera up (or pass --bootstrap HOST:PORT)");
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(o.topic().maxMessageBytes()));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "tessera-tail");
        // Fail within seconds, not after Kafka's default minute, when nothing listens there.
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(METADATA_TIMEOUT.toMillis()));
        p.put(org.apache.kafka.clients.CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, "3000");
        p.put(org.apache.kafka.clients.CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, "3000");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = partitions(consumer, o);
            consumer.assign(parts);
            seek(consumer, parts, o);
            Printer printer = new Printer(o, out, err);
            long idleDeadline = o.idle() == null ? Long.MAX_VALUE : System.nanoTime() + o.idle().toNanos();
            while (System.nanoTime() < idleDeadline) {
                boolean any = false;
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    any = true;
                    if (printer.print(r) && o.max() > 0 && printer.printed >= o.max()) {
                        return;
                    }
                }
                if (any && o.idle() != null) {
                    idleDeadline = System.nanoTime() + o.idle().toNanos();
                }
                if (out.checkError()) {
                    return;  // stdout closed (e.g. piped into head): stop quietly
                }
            }
        } catch (TimeoutException e) {
            throw new CommandFailure(ExitCodes.UNREACHABLE, "cannot reach Kafka at " + o.bootstrap()
                    + ": start it with bin/tessera up (or pass --bootstrap HOST:PORT)");
        } catch (KafkaException e) {
            throw new CommandFailure(ExitCodes.FAILURE, "reading " + o.topic().name() + " from " + o.bootstrap()
                    + " failed: " + e.getMessage());
        }
    }

    /** A plain TCP connect to each bootstrap address: fails in a moment where Kafka's client retries for seconds. */
    static boolean anyReachable(String bootstrap) {
        for (String hp : bootstrap.split(",")) {
            int colon = hp.lastIndexOf(':');
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(hp.substring(0, colon),
                        Integer.parseInt(hp.substring(colon + 1))), (int) CONNECT_TIMEOUT.toMillis());
                return true;
            } catch (java.io.IOException | IllegalArgumentException e) {
                // try the next one
            }
        }
        return false;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c, Options o) throws CommandFailure {
        Map<String, List<PartitionInfo>> topics = c.listTopics(METADATA_TIMEOUT);
        List<PartitionInfo> infos = topics.get(o.topic().name());
        if (infos == null || infos.isEmpty()) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "topic " + o.topic().name() + " does not exist on "
                    + o.bootstrap() + "; bin/tessera up creates the topics (or check --bootstrap)");
        }
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo i : infos) {
            parts.add(new TopicPartition(i.topic(), i.partition()));
        }
        parts.sort(java.util.Comparator.comparingInt(TopicPartition::partition));
        return parts;
    }

    private static void seek(KafkaConsumer<String, byte[]> c, List<TopicPartition> parts, Options o) {
        Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        for (TopicPartition tp : parts) {
            long b = begin.get(tp);
            long e = end.get(tp);
            long at = switch (o.start()) {
                case BEGINNING -> b;
                case END -> e;
                case OFFSET -> Math.min(Math.max(o.position(), b), e);
                case LAST -> Math.max(b, e - o.position());
            };
            c.seek(tp, at);
        }
    }

    /** Writes records as JSON lines; counts what it printed. */
    private static final class Printer {
        final Options o;
        final PrintStream out;
        final PrintStream err;
        long printed;
        final Map<Integer, Long> skipped = new HashMap<>();

        Printer(Options o, PrintStream out, PrintStream err) {
            this.o = o;
            this.out = out;
            this.err = err;
        }

        @SuppressWarnings("unchecked")
        boolean print(ConsumerRecord<String, byte[]> r) {
            if (o.key() != null && !o.key().equals(r.key())) {
                return false;
            }
            String json;
            try {
                if (r.value() == null) {
                    json = "null";
                } else {
                    Topic<SpecificRecord> t = (Topic<SpecificRecord>) o.topic();
                    json = t.json().toJson(t.codec().decode(r.value()));
                }
            } catch (RecordDecodingException e) {
                skipped.merge(r.partition(), 1L, Long::sum);
                err.println("tessera tail: skipped " + r.topic() + " partition " + r.partition() + " offset "
                        + r.offset() + ": " + e.getMessage());
                return false;
            }
            if (o.meta()) {
                json = "{\"partition\":" + r.partition() + ",\"offset\":" + r.offset() + ",\"timestamp\":"
                        + r.timestamp() + ",\"key\":" + quote(r.key()) + ",\"value\":" + json + "}";
            }
            out.println(json);
            printed++;
            return true;
        }

        private static String quote(String s) {
            if (s == null) {
                return "null";
            }
            try {
                return GatewayClient.MAPPER.writeValueAsString(s);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
