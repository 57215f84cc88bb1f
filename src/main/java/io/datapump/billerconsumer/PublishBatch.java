package io.datapump.billerconsumer;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jms.connection.JmsTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The item messages of one claim go out in one broker transaction (routes/biller-consumer.camel.yaml wraps its split
 * in this policy): on the local JMS transport every send of the block joins one session transaction, committed when
 * the block ends — before the batch is marked Queued, so the crash argument of docs/schema.md holds — and rolled
 * back, nothing published, when the block fails. On Service Bus (no JMS connection factory) the block's sends are
 * collected ({@link ServiceBusBatches}) and go out when it ends, one batch send per topic, again before the batch is
 * marked Queued; a block that fails sends nothing.
 */
@Component("publishBatch")
public class PublishBatch implements Policy {

    /** null: no JMS transport; Service Bus sends are collected and sent in batches instead. */
    private final TransactionTemplate transaction;

    public PublishBatch(ObjectProvider<ConnectionFactory> jms) {
        ConnectionFactory connectionFactory = jms.getIfUnique();
        if (connectionFactory == null) {
            transaction = null;
            return;
        }
        JmsTransactionManager manager = new JmsTransactionManager(connectionFactory);
        manager.afterPropertiesSet();
        transaction = new TransactionTemplate(manager);
        // its own transaction, whatever the consumed message's session is doing
        transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Whether sends inside the block share one broker transaction (false on Service Bus, which batches them). */
    public boolean transactional() {
        return transaction != null;
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // nothing to prepare
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        if (transaction == null) {
            return exchange -> {
                ServiceBusBatches.Open batch = ServiceBusBatches.open(exchange);
                try {
                    processor.process(exchange);
                } catch (Exception e) {
                    exchange.setException(e);
                } finally {
                    exchange.removeProperty(ServiceBusBatches.OPEN_BATCH);
                }
                if (exchange.getException() == null && !exchange.isRollbackOnly()) {
                    try {
                        batch.send();
                    } catch (RuntimeException e) {
                        exchange.setException(e);
                    }
                }
            };
        }
        return exchange -> transaction.executeWithoutResult(status -> {
            try {
                processor.process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            if (exchange.getException() != null || exchange.isRollbackOnly()) {
                status.setRollbackOnly();
            }
        });
    }
}
