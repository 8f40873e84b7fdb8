package io.hull.customerio.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/** What a Kafka operator would look at: a topic's records and end offsets, a group's commits and assignment. */
public final class KafkaTopics {

    /** Longest a read of a whole topic may take before the test fails (it never returns part of the topic). */
    private static final Duration READ_WITHIN = Duration.ofSeconds(30);

    private final String brokers;

    public KafkaTopics(String brokers) {
        this.brokers = brokers;
    }

    /** Records written to a topic so far (the sum of its partitions' end offsets). */
    public long endOffsets(String topic) {
        try (AdminClient admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = partitions(admin, topic).stream()
                    .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(offset -> offset.offset()).sum();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Offsets a consumer group committed on a topic (the sum over its partitions). */
    public long committedOffsets(String group, String topic) {
        try (AdminClient admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every record of a topic from the beginning up to its end offsets as they are now: the whole topic or a
     * failure, never part of it (a check that a record is absent must have read the record that could be there).
     */
    public List<ConsumerRecord<String, String>> readAll(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_WITHIN.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("could not read " + topic + " to its end offsets " + end + " within " + READ_WITHIN
                            + " (read " + records.size() + " records)");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }

    /** The partitions of {@code topic} each member of {@code group} owns now, by member id (members owning none left out). */
    public Map<String, Set<Integer>> owners(String group, String topic) {
        try (AdminClient admin = admin()) {
            Map<String, Set<Integer>> owners = new HashMap<>();
            for (MemberDescription member : admin.describeConsumerGroups(List.of(group)).all().get().get(group).members()) {
                Set<Integer> partitions = new TreeSet<>();
                for (TopicPartition partition : member.assignment().topicPartitions()) {
                    if (partition.topic().equals(topic)) {
                        partitions.add(partition.partition());
                    }
                }
                if (!partitions.isEmpty()) {
                    owners.put(member.consumerId(), partitions);
                }
            }
            return owners;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The partition Kafka's default partitioner gives a record key (the connector keys user records by site). */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private AdminClient admin() {
        return AdminClient.create(Map.of("bootstrap.servers", brokers));
    }

    private static List<TopicPartition> partitions(AdminClient admin, String topic) throws ExecutionException, InterruptedException {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
    }
}
