package io.datapump.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free TCP ports on the loopback for the servers a test starts (H2, brokers, the packaged pump), which bind them a
 * moment later, often in another process.
 * <p>
 * They come from below the kernel's ephemeral range (32768 and up on Linux): a port from that range, free when it was
 * chosen, can be taken by any outgoing connection before its server binds it, which happens when several scenarios
 * run side by side. Each JVM walks the range from a random point, so two test JVMs rarely meet; a port is handed out
 * once per JVM and only when nothing listens on it.
 */
public final class Ports {

    private static final int FIRST = 15_000;
    private static final int LAST = 32_000;
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(FIRST, LAST));

    private Ports() {
    }

    public static int free() {
        for (int tried = 0; tried <= LAST - FIRST; tried++) {
            int port = NEXT.getAndUpdate(p -> p >= LAST ? FIRST : p + 1);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // in use: the next one
            }
        }
        throw new IllegalStateException("no free port between " + FIRST + " and " + LAST);
    }
}
