package io.datapump.billerconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** How a claim's messages for one entity are cut into Service Bus batches (no Camel, no Service Bus). */
class ServiceBusBatchesTest {

    /** A batch limited to a number of characters, as Service Bus limits a batch by bytes. */
    static final class SizedBatch implements ServiceBusBatches.Batch<String> {
        final int limit;
        final List<String> messages = new ArrayList<>();
        int size;

        SizedBatch(int limit) {
            this.limit = limit;
        }

        @Override
        public boolean tryAdd(String message) {
            if (size + message.length() > limit) {
                return false;
            }
            size += message.length();
            messages.add(message);
            return true;
        }

        @Override
        public int count() {
            return messages.size();
        }
    }

    /** Records what each send carried. */
    static final class SizedSink implements ServiceBusBatches.Sink<String> {
        final int limit;
        final List<List<String>> sent = new ArrayList<>();

        SizedSink(int limit) {
            this.limit = limit;
        }

        @Override
        public ServiceBusBatches.Batch<String> create() {
            return new SizedBatch(limit);
        }

        @Override
        public void send(ServiceBusBatches.Batch<String> batch) {
            sent.add(List.copyOf(((SizedBatch) batch).messages));
        }
    }

    @Test
    void messagesThatFitOneBatchGoOutInOneSend() {
        // given 100 messages of 10 characters and a 1,000-character batch
        List<String> messages = messages(100);
        SizedSink sink = new SizedSink(1_000);

        // when
        int batches = ServiceBusBatches.sendInBatches("topic", messages, sink);

        // then one send with all of them, in order
        assertThat(batches).isEqualTo(1);
        assertThat(sink.sent).containsExactly(messages);
    }

    @Test
    void messagesBeyondTheBatchLimitAreSplitInOrderWithoutLosingOne() {
        // given 250 messages of 10 characters and a 1,000-character batch
        List<String> messages = messages(250);
        SizedSink sink = new SizedSink(1_000);

        // when
        int batches = ServiceBusBatches.sendInBatches("topic", messages, sink);

        // then three sends of 100, 100 and 50, which together are every message once, in order
        assertThat(batches).isEqualTo(3);
        assertThat(sink.sent).extracting(List::size).containsExactly(100, 100, 50);
        assertThat(sink.sent.stream().flatMap(List::stream).toList()).isEqualTo(messages);
    }

    @Test
    void aMessageTooLargeForAnyBatchFailsTheSendAndSaysWhere() {
        // given a message larger than a whole batch after 150 that fit
        List<String> messages = new ArrayList<>(messages(150));
        messages.add("x".repeat(2_000));
        messages.add("after-it");
        SizedSink sink = new SizedSink(1_000);

        // when / then the send fails naming the entity, after the messages before it went out, and none after it
        assertThatThrownBy(() -> ServiceBusBatches.sendInBatches("data-pump-payment-created", messages, sink))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("data-pump-payment-created")
                .hasMessageContaining("2 batch(es) before it were sent");
        assertThat(sink.sent).extracting(List::size).containsExactly(100, 50);
    }

    @Test
    void noMessagesNoSend() {
        SizedSink sink = new SizedSink(1_000);

        assertThat(ServiceBusBatches.sendInBatches("topic", List.of(), sink)).isZero();
        assertThat(sink.sent).isEmpty();
    }

    private static List<String> messages(int count) {
        return IntStream.range(0, count).mapToObj(i -> String.format("item-%05d", i)).toList();
    }
}
