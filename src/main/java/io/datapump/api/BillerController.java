package io.datapump.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.datapump.control.ItemHistory;
import io.datapump.failure.ShardUnavailableException;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Status per biller: what a user polls to watch progress. */
@RestController
@RequestMapping("/api/billers")
public class BillerController {

    private final BillerStatusService status;
    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final ItemHistory history;

    public BillerController(BillerStatusService status, BillerRegistry registry, ShardDataSources shards,
                            ItemHistory history) {
        this.status = status;
        this.registry = registry;
        this.shards = shards;
        this.history = history;
    }

    @GetMapping
    public Map<String, List<BillerStatus>> billers() {
        return Map.of("billers", status.all());
    }

    @GetMapping("/{id}")
    public ResponseEntity<?> biller(@PathVariable("id") String id) {
        return status.one(id).<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND)
                        .body(Map.of("error", "unknown biller '" + id + "'")));
    }

    /** One item's control row and every delivery attempt (archived ones too), with what the CIS answered. */
    @GetMapping("/{id}/items/{recordId}")
    public ResponseEntity<?> item(@PathVariable("id") String id, @PathVariable("recordId") long recordId) {
        Biller biller = registry.findFresh(id).orElse(null);
        if (biller == null) {
            return error(HttpStatus.NOT_FOUND, "unknown biller '" + id + "'");
        }
        Optional<ItemHistory.Item> item;
        try {
            item = history.of(shards.forBiller(biller), recordId);
        } catch (ShardUnavailableException | DataAccessException e) {
            return error(HttpStatus.SERVICE_UNAVAILABLE, "biller '" + id + "': its shard cannot be read now ("
                    + e.getMessage() + ")");
        }
        return item.<ResponseEntity<?>>map(i -> ResponseEntity.ok(Map.of("billerId", id, "item", i)))
                .orElseGet(() -> error(HttpStatus.NOT_FOUND, "biller '" + id + "' has no control record for item "
                        + recordId + " (never claimed, or not one of its items)"));
    }

    static ResponseEntity<?> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(Map.of("error", message));
    }
}
