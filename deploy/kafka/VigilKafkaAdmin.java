// Small admin helper for deploy/kafka/kafka.sh, compiled once by the script (javac,
// against the fetched Kafka jars) into the jar cache. It exists only to do in ONE JVM
// what would otherwise take one TopicCommand JVM per topic (~2 s of CPU each on a
// 2-core machine). Without a JDK (no javac), kafka.sh falls back to TopicCommand.
//
//   wait   <bootstrap> <timeout-seconds>
//       Exit 0 as soon as the broker answers a DescribeCluster request, 1 on timeout.
//   create <bootstrap> <timeout-seconds> <partitions> <replication-factor> <topic>...
//       Wait (like `wait`) for the broker, then create the topics that do not exist
//       yet (like TopicCommand --if-not-exists),
//       wait until every partition of every topic has a leader, print one line per
//       topic. A topic that exists with a different partition count is reported on
//       stderr but left alone.
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

public class VigilKafkaAdmin {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        String command = args[0];
        String bootstrap = args[1];
        int code;
        if (command.equals("wait") && args.length == 3) {
            code = waitForBroker(bootstrap, Integer.parseInt(args[2]));
        } else if (command.equals("create") && args.length >= 6) {
            int timeoutSeconds = Integer.parseInt(args[2]);
            int partitions = Integer.parseInt(args[3]);
            short replication = Short.parseShort(args[4]);
            List<String> topics = List.of(args).subList(5, args.length);
            code = waitForBroker(bootstrap, timeoutSeconds);
            if (code == 0) {
                code = createTopics(bootstrap, partitions, replication, topics);
            }
        } else {
            usage();
            return;
        }
        System.exit(code);
    }

    private static void usage() {
        System.err.println("usage: VigilKafkaAdmin wait <bootstrap> <timeout-seconds>");
        System.err.println("       VigilKafkaAdmin create <bootstrap> <timeout-seconds> <partitions> <rf> <topic>...");
        System.exit(2);
    }

    private static Admin admin(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "vigil-kafka-sh");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        return Admin.create(props);
    }

    private static int waitForBroker(String bootstrap, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        String lastError = "no attempt made";
        try (Admin admin = admin(bootstrap)) {
            while (System.nanoTime() < deadline) {
                try {
                    int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                            .nodes().get().size();
                    if (nodes > 0) {
                        return 0;
                    }
                    lastError = "cluster has no live broker yet";
                } catch (ExecutionException e) {
                    lastError = String.valueOf(e.getCause());
                }
                Thread.sleep(250);
            }
        }
        System.err.println("broker at " + bootstrap + " not ready after " + timeoutSeconds + " s: " + lastError);
        return 1;
    }

    private static int createTopics(String bootstrap, int partitions, short replication, List<String> topics)
            throws Exception {
        try (Admin admin = admin(bootstrap)) {
            List<NewTopic> wanted = new ArrayList<>();
            for (String topic : topics) {
                wanted.add(new NewTopic(topic, partitions, replication));
            }
            CreateTopicsResult result = admin.createTopics(wanted);
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> entry : result.values().entrySet()) {
                try {
                    entry.getValue().get();
                    System.out.println("created topic " + entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        System.err.println("cannot create topic " + entry.getKey() + ": " + e.getCause());
                        return 1;
                    }
                }
            }
            // Wait until every partition has a leader, so producers can write right away.
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (true) {
                Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames().get();
                boolean allLed = descriptions.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (allLed) {
                    for (String topic : topics) {
                        List<TopicPartitionInfo> parts = descriptions.get(topic).partitions();
                        System.out.println("topic " + topic + ": " + parts.size() + " partitions");
                        if (parts.size() != partitions) {
                            System.err.println("warning: topic " + topic + " exists with " + parts.size()
                                    + " partitions, not " + partitions + " (left unchanged)");
                        }
                    }
                    return 0;
                }
                if (System.nanoTime() > deadline) {
                    System.err.println("topics created but some partitions have no leader after 30 s");
                    return 1;
                }
                Thread.sleep(200);
            }
        }
    }
}
