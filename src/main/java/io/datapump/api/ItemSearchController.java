package io.datapump.api;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * GET /api/items?idempotencyKey=… | correlationId=… | traceId=… | sourceItemId=… [&amp;billerId=…]: the items an operator's
 * clue points to, each with the address of its history (GET /api/billers/{id}/items/{recordId}).
 */
@RestController
@RequestMapping("/api/items")
public class ItemSearchController {

    private final ItemSearch search;

    public ItemSearchController(ItemSearch search) {
        this.search = search;
    }

    @GetMapping
    public ResponseEntity<?> find(@RequestParam(name = "idempotencyKey", required = false) String idempotencyKey,
                                  @RequestParam(name = "correlationId", required = false) String correlationId,
                                  @RequestParam(name = "traceId", required = false) String traceId,
                                  @RequestParam(name = "sourceItemId", required = false) String sourceItemId,
                                  @RequestParam(name = "billerId", required = false) String billerId) {
        long given = Stream.of(idempotencyKey, correlationId, traceId, sourceItemId)
                .filter(v -> v != null && !v.isBlank()).count();
        if (given != 1) {
            return BillerController.error(HttpStatus.BAD_REQUEST, "give exactly one of idempotencyKey, correlationId, "
                    + "traceId or sourceItemId (and optionally billerId); for a biller's record id use "
                    + "/api/billers/{id}/items/{recordId}");
        }
        boolean byTrace = traceId != null && !traceId.isBlank();
        if (byTrace && ItemSearch.traceId(traceId) == null) {
            return BillerController.error(HttpStatus.BAD_REQUEST, "traceId is a W3C trace id: 32 hex digits, "
                    + "not all zero (the second field of a traceparent)");
        }
        if (idempotencyKey != null && !idempotencyKey.isBlank()) {
            ItemSearch.Found found = search.byIdempotencyKey(idempotencyKey.strip());
            return ResponseEntity.ok(Map.of("items", found == null ? List.of() : List.of(found),
                    "unreachable", List.of()));
        }
        ItemSearch.Result result = byTrace ? search.byTraceId(ItemSearch.traceId(traceId), billerId)
                : correlationId != null && !correlationId.isBlank()
                ? search.byCorrelationId(correlationId.strip(), billerId)
                : search.bySourceItemId(sourceItemId.strip(), billerId);
        return ResponseEntity.ok(Map.of("items", result.items(), "unreachable", result.unreachable()));
    }
}
